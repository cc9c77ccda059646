// The Job controller's executor: runs planJob for a Job whenever the Job or one of its pods changes (within
// milliseconds, from store events; a periodic resync is the backstop) and carries out the plan: pods through
// the pod registry, events as upstream words them, the status written back. It decides nothing itself.
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import type { EventRecorder } from '../events/recorder';
import type { Logger } from '../log';
import { type Job, TRACKING_FINALIZER } from '../model/job';
import type { Pod } from '../model/pod';
import type { ObjectStore } from '../store/object-store';
import type { Registry } from '../store/registry';
import { podFor } from './job-pods';
import { type JobAction, planJob } from './plan-job';
import { BatchController } from './batch-controller';
import { keyOf, splitKey } from './sync-queue';

export interface JobControllerDeps {
  jobs: ObjectStore<Job>;
  pods: ObjectStore<Pod>;
  /** Pods are created and deleted (gracefully) through the pod registry: decoding, defaults, the node. */
  podRegistry: Pick<Registry<Pod>, 'create' | 'delete'>;
  /** Deletes a Job whose ttlSecondsAfterFinished ran out, with its pods. */
  deleteJob: (namespace: string, name: string) => void;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  resyncMs: number;
  /** First retry delay after a failed pod (upstream's 10 s unless a test shortens it). */
  backoffMs?: number;
}

export class JobController extends BatchController<Job, Pod> {
  constructor(private readonly deps: JobControllerDeps) {
    super({ ...deps, owners: deps.jobs, dependents: deps.pods, ownerKind: 'Job' });
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const job = this.deps.jobs.get(namespace, name);
    if (!job) return;
    const plan = planJob(job, this.dependentsOf(job), this.deps.clock.now(), this.deps.backoffMs);
    for (const a of plan.actions) this.run(job, a);
    // The counters hold pods whose tracking finalizer is gone.
    this.writeStatus(job, plan.status);
    if (plan.requeueAt !== undefined) this.loop.queue.addAt(key, plan.requeueAt);
  }

  private run(job: Job, a: JobAction): void {
    const { podRegistry } = this.deps;
    const ns = job.metadata.namespace;
    switch (a.type) {
      case 'createPod':
        try {
          const pod = podRegistry.create(podFor(job, a.index, a.indexFailures), ns);
          this.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (err) {
          this.record(job, 'Warning', 'FailedCreate', `Error creating: ${errorMessage(err)}`);
        }
        return;
      case 'deletePod':
        if (BatchController.deleted(() => podRegistry.delete(ns, a.name)))
          this.record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${a.name}`);
        return;
      case 'countPod':
        return this.uncount(ns, a.name);
      case 'event':
        this.record(job, a.eventType, a.reason, a.message);
        return;
      case 'deleteJob':
        this.deps.logger.info('job deleted after ttlSecondsAfterFinished', {
          job: keyOf(ns, job.metadata.name),
        });
        this.deps.deleteJob(ns, job.metadata.name);
        return;
    }
  }

  /** The pod's end is counted: its tracking finalizer goes (persisted, so a restart does not count it again). */
  private uncount(namespace: string, name: string): void {
    const pod = this.deps.pods.get(namespace, name);
    if (!pod) return;
    const finalizers = (pod.metadata['finalizers'] as string[] | undefined) ?? [];
    const rest = finalizers.filter((f) => f !== TRACKING_FINALIZER);
    const metadata = { ...pod.metadata };
    if (rest.length) metadata['finalizers'] = rest;
    else delete metadata['finalizers'];
    this.deps.pods.update({ ...pod, metadata }, { specChanged: false, persist: true });
  }
}

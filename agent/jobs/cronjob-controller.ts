// The CronJob controller's executor: runs planCronJob for a CronJob whenever it or one of its Jobs changes
// (store events, within milliseconds), at its next scheduled time (a timer on the injected clock) and on
// the periodic resync; creates and deletes Jobs through the Job registry and records upstream's events.
import type { Clock } from '../clock';
import { errorCode, errorMessage, isNotFound } from '../errors';
import type { EventRecorder, InvolvedObject } from '../events/recorder';
import type { Logger } from '../log';
import { type CronJob, type Job, ownedBy } from '../model/job';
import type { ObjectStore } from '../store/object-store';
import { type CronJobAction, planCronJob, refOf } from './plan-cronjob';
import { OwnerSyncLoop } from './owner-sync-loop';
import { splitKey } from './sync-queue';

export interface CronJobControllerDeps {
  cronJobs: ObjectStore<CronJob>;
  jobs: ObjectStore<Job>;
  /** Creates a Job from a body (the Job registry: decoding, defaults, validation). */
  createJob: (raw: unknown, namespace: string) => Job;
  /** Deletes a Job with its pods. */
  deleteJob: (namespace: string, name: string) => void;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  resyncMs: number;
}

const cronJobRef = (cj: CronJob): InvolvedObject => ({
  kind: 'CronJob',
  name: cj.metadata.name,
  namespace: cj.metadata.namespace,
  uid: cj.metadata.uid,
});

export class CronJobController {
  private readonly loop: OwnerSyncLoop<CronJob, Job>;

  constructor(private readonly deps: CronJobControllerDeps) {
    this.loop = new OwnerSyncLoop({
      owners: deps.cronJobs,
      dependents: deps.jobs,
      ownerKind: 'CronJob',
      clock: deps.clock,
      logger: deps.logger,
      resyncMs: deps.resyncMs,
      sync: (key) => this.sync(key),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** Syncs every CronJob marked by a change now (tests). */
  drain(): void {
    this.loop.drain();
  }

  private jobsOf(cj: CronJob): Job[] {
    return this.deps.jobs.list(cj.metadata.namespace).filter((j) => ownedBy(j.metadata, cj.metadata.uid));
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const cj = this.deps.cronJobs.get(namespace, name);
    if (!cj) return;
    const plan = planCronJob(cj, this.jobsOf(cj), this.deps.clock.now());
    const created = plan.actions.flatMap((a) => this.run(cj, a));
    // Upstream lists a Job it has just made at once.
    if (created.length) plan.status.active = [...(plan.status.active ?? []), ...created.map(refOf)];
    const fresh = this.deps.cronJobs.get(namespace, name);
    if (
      fresh?.metadata.uid === cj.metadata.uid &&
      JSON.stringify(fresh.status) !== JSON.stringify(plan.status)
    ) {
      // Persisted: lastScheduleTime decides what runs after a restart.
      this.deps.cronJobs.update({ ...fresh, status: plan.status }, { specChanged: false, persist: true });
    }
    if (plan.requeueAt !== undefined) this.loop.queue.addAt(key, plan.requeueAt);
  }

  /** Carries out one action; returns the Job it created, if any. */
  private run(cj: CronJob, a: CronJobAction): Job[] {
    const { events } = this.deps;
    const ns = cj.metadata.namespace;
    switch (a.type) {
      case 'createJob':
        try {
          const job = this.deps.createJob(a.job, ns);
          events.record(cronJobRef(cj), 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`);
          return [job];
        } catch (err) {
          if (errorCode(err) !== 'AlreadyExists')
            events.record(
              cronJobRef(cj),
              'Warning',
              'FailedCreate',
              `Error creating job: ${errorMessage(err)}`,
            );
          return [];
        }
      case 'deleteJob':
        if (this.deleteJob(ns, a.name))
          events.record(cronJobRef(cj), 'Normal', 'SuccessfulDelete', `Deleted job ${a.name}`);
        return [];
      case 'event':
        events.record(cronJobRef(cj), a.eventType, a.reason, a.message);
        return [];
    }
  }

  private deleteJob(namespace: string, name: string): boolean {
    try {
      this.deps.deleteJob(namespace, name);
      return true;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return false;
    }
  }
}

// The CronJob controller's executor: runs planCronJob for a CronJob whenever it or one of its Jobs changes
// (store events, within milliseconds), at its next scheduled time (a timer on the injected clock) and on
// the periodic resync; creates and deletes Jobs through the Job registry and records upstream's events.
import type { Clock } from '../clock';
import { errorCode, errorMessage } from '../errors';
import type { EventRecorder } from '../events/recorder';
import type { Logger } from '../log';
import type { CronJob, Job } from '../model/job';
import type { ObjectStore } from '../store/object-store';
import { type CronJobAction, planCronJob, refOf } from './plan-cronjob';
import { BatchController } from './batch-controller';
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

export class CronJobController extends BatchController<CronJob, Job> {
  constructor(private readonly deps: CronJobControllerDeps) {
    super({ ...deps, owners: deps.cronJobs, dependents: deps.jobs, ownerKind: 'CronJob' });
  }

  sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const cj = this.deps.cronJobs.get(namespace, name);
    if (!cj) return;
    const plan = planCronJob(cj, this.dependentsOf(cj), this.deps.clock.now());
    const created = plan.actions.flatMap((a) => this.run(cj, a));
    // Upstream lists a Job it has just made at once.
    if (created.length) plan.status.active = [...(plan.status.active ?? []), ...created.map(refOf)];
    // lastScheduleTime decides what runs after a restart.
    this.writeStatus(cj, plan.status);
    if (plan.requeueAt !== undefined) this.loop.queue.addAt(key, plan.requeueAt);
  }

  /** Carries out one action; returns the Job it created, if any. */
  private run(cj: CronJob, a: CronJobAction): Job[] {
    const ns = cj.metadata.namespace;
    switch (a.type) {
      case 'createJob':
        try {
          const job = this.deps.createJob(a.job, ns);
          this.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`);
          return [job];
        } catch (err) {
          if (errorCode(err) !== 'AlreadyExists')
            this.record(cj, 'Warning', 'FailedCreate', `Error creating job: ${errorMessage(err)}`);
          return [];
        }
      case 'deleteJob':
        if (BatchController.deleted(() => this.deps.deleteJob(ns, a.name)))
          this.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${a.name}`);
        return [];
      case 'event':
        this.record(cj, a.eventType, a.reason, a.message);
        return [];
    }
  }
}

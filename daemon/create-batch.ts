// The batch/v1 part of the wiring: the Job and CronJob stores (persisted), their registries and the two
// controllers. The garbage collector (daemon/create-workloads.ts) deletes what a deleted Job or CronJob
// leaves: it follows both kinds (`collected`).
import type { Clock } from '../agent/clock';
import type { CollectedKind } from '../agent/controllers/gc/garbage-collector';
import type { EventRecorder } from '../agent/events/recorder';
import { CronJobController } from '../agent/jobs/cronjob-controller';
import { type BatchRegistries, CronJobRegistry, JobRegistry } from '../agent/jobs/batch-registries';
import { JobController } from '../agent/jobs/job-controller';
import type { Logger } from '../agent/log';
import type { CronJob, Job } from '../agent/model/job';
import type { Pod } from '../agent/model/pod';
import { BATCH_V1 } from '../agent/model/group-version';
import {
  ObjectStore,
  type Persistence,
  type ResourceVersions,
  type StoredObject,
} from '../agent/store/object-store';
import type { Registry } from '../agent/store/registry';
import type { WatchHub } from '../agent/store/watch-hub';

export interface BatchOptions {
  clock: Clock;
  versions: ResourceVersions;
  persistence: Persistence;
  pods: ObjectStore<Pod>;
  logger: Logger;
  resyncMs: number;
  /** First retry delay of a failed Job pod (upstream's 10 s unless a test shortens it). */
  backoffMs?: number;
}

export interface Batch {
  readonly jobs: ObjectStore<Job>;
  readonly cronJobs: ObjectStore<CronJob>;
  readonly registries: BatchRegistries;
  /** Jobs and CronJobs as the garbage collector follows them. */
  readonly collected: CollectedKind[];
  track(watches: WatchHub): void;
  /** The controllers; pods go through the pod registry, events to the recorder. */
  start(o: { podRegistry: Registry<Pod>; events: EventRecorder }): void;
  stop(): void;
  /** Runs the controllers' pending syncs now (tests). */
  drain(): void;
  /** Deletes a namespace's CronJobs and Jobs (namespace deletion; their pods follow). */
  clear(namespace: string): void;
}

export function createBatch(o: BatchOptions): Batch {
  const { clock, versions, persistence } = o;
  const jobs = new ObjectStore<Job>('Job', { clock, versions, persistence }, BATCH_V1.group);
  const cronJobs = new ObjectStore<CronJob>('CronJob', { clock, versions, persistence }, BATCH_V1.group);
  const registries = {
    jobs: new JobRegistry(jobs, clock),
    cronJobs: new CronJobRegistry(cronJobs, clock),
  };
  const deleteJob = (namespace: string, name: string): void => void registries.jobs.delete(namespace, name);
  let controllers: { jobs: JobController; cronJobs: CronJobController } | undefined;
  return {
    jobs,
    cronJobs,
    registries,
    collected: [
      { store: jobs as unknown as ObjectStore<StoredObject>, delete: deleteJob },
      {
        store: cronJobs as unknown as ObjectStore<StoredObject>,
        delete: (ns, name) => void registries.cronJobs.delete(ns, name),
      },
    ],
    track(watches) {
      watches.track(jobs);
      watches.track(cronJobs);
    },
    start({ podRegistry, events }) {
      const common = { clock, events, resyncMs: o.resyncMs };
      controllers = {
        jobs: new JobController({
          ...common,
          jobs,
          pods: o.pods,
          podRegistry,
          deleteJob,
          logger: o.logger.child({ component: 'job-controller' }),
          ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
        }),
        cronJobs: new CronJobController({
          ...common,
          cronJobs,
          jobs,
          createJob: (raw, namespace) => registries.jobs.create(raw, namespace),
          deleteJob,
          logger: o.logger.child({ component: 'cronjob-controller' }),
        }),
      };
      controllers.jobs.start();
      controllers.cronJobs.start();
    },
    stop() {
      controllers?.jobs.stop();
      controllers?.cronJobs.stop();
    },
    clear(namespace) {
      for (const cj of cronJobs.list(namespace)) registries.cronJobs.delete(namespace, cj.metadata.name);
      for (const j of jobs.list(namespace)) registries.jobs.delete(namespace, j.metadata.name);
    },
    drain() {
      controllers?.cronJobs.drain();
      controllers?.jobs.drain();
    },
  };
}

// Builders for the Job and CronJob reconciler tests: a defaulted, stored Job (or CronJob) and the pods (or
// Jobs) it controls, each changed one thing at a time from a healthy baseline.
import {
  COMPLETION_INDEX,
  type CronJob,
  type Job,
  type JobCondition,
  TRACKING_FINALIZER,
  controllerRef,
} from '../../agent/model/job';
import type { Pod, PodPhase } from '../../agent/model/pod';
import { CREATED, NOW, iso } from './builders';

export { CREATED, NOW, iso };

/** A Job as the API stores it (defaults applied): completions 1, parallelism 1, backoffLimit 6, Never. */
export function aJob(spec: Partial<Job['spec']> = {}, status: Job['status'] = {}): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: 'pi',
      namespace: 'default',
      uid: 'job-uid',
      creationTimestamp: iso(CREATED),
      resourceVersion: '1',
      generation: 1,
    },
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      template: {
        spec: {
          containers: [{ name: 'pi', image: 'busybox' }],
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 30,
          dnsPolicy: 'ClusterFirst',
        },
      },
      ...spec,
    },
    status,
  };
}

export interface JobPodOptions {
  index?: number;
  /** Counted already (no tracking finalizer). */
  counted?: boolean;
  ready?: boolean;
  deleting?: boolean;
  restarts?: number;
  /** Created (ms); default CREATED. */
  createdAt?: number;
  /** When its container ended (finished pods); default NOW - 60 s. */
  finishedAt?: number;
}

/** A pod of `aJob()` in a phase. */
export function aJobPod(name: string, phase: PodPhase, o: JobPodOptions = {}): Pod {
  const finished = phase === 'Succeeded' || phase === 'Failed';
  const index: Record<string, string> = o.index === undefined ? {} : { [COMPLETION_INDEX]: String(o.index) };
  const terminated = {
    exitCode: phase === 'Failed' ? 1 : 0,
    reason: phase === 'Failed' ? 'Error' : 'Completed',
    finishedAt: iso(o.finishedAt ?? NOW - 60_000),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      creationTimestamp: iso(o.createdAt ?? CREATED),
      resourceVersion: '1',
      labels: { ...index },
      annotations: { ...index },
      ownerReferences: [controllerRef(aJob())],
      ...(o.counted ? {} : { finalizers: [TRACKING_FINALIZER] }),
      ...(o.deleting ? { deletionTimestamp: iso(NOW) } : {}),
    },
    spec: aJob().spec.template.spec,
    status: {
      phase,
      ...(o.ready
        ? {
            conditions: [
              { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: iso(CREATED) },
            ],
          }
        : {}),
      containerStatuses: [
        {
          name: 'pi',
          state: finished ? { terminated } : { running: { startedAt: iso(CREATED) } },
          lastState: {},
          ready: o.ready ?? false,
          restartCount: o.restarts ?? 0,
          image: 'busybox',
          imageID: '',
        },
      ],
    },
  };
}

export const condition = (
  type: JobCondition['type'],
  reason: string,
  message: string,
  at = NOW,
  status: JobCondition['status'] = 'True',
): JobCondition => ({ type, status, lastProbeTime: iso(at), lastTransitionTime: iso(at), reason, message });

/** A CronJob as the API stores it: every 5 minutes, Allow, history limits 3 and 1, created at CREATED. */
export function aCronJob(spec: Partial<CronJob['spec']> = {}, status: CronJob['status'] = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name: 'hello',
      namespace: 'default',
      uid: 'cj-uid',
      creationTimestamp: iso(CREATED),
      resourceVersion: '1',
      generation: 1,
    },
    spec: {
      schedule: '*/5 * * * *',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { spec: aJob().spec },
      ...spec,
    },
    status,
  };
}

/** A Job of `aCronJob()` scheduled at `scheduled`, running or finished. */
export function aCronJobJob(scheduled: number, state: 'running' | 'Complete' | 'Failed' = 'running'): Job {
  const name = `hello-${Math.floor(scheduled / 60_000)}`;
  const job = aJob({}, { startTime: iso(scheduled) });
  job.metadata = {
    ...job.metadata,
    name,
    uid: `uid-${name}`,
    creationTimestamp: iso(scheduled),
    ownerReferences: [controllerRef(aCronJob())],
  };
  if (state === 'Complete') {
    job.status.completionTime = iso(scheduled + 30_000);
    job.status.conditions = [condition('Complete', 'CompletionsReached', 'done', scheduled + 30_000)];
  } else if (state === 'Failed') {
    job.status.conditions = [condition('Failed', 'BackoffLimitExceeded', 'failed', scheduled + 30_000)];
  }
  return job;
}

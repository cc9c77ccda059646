// planJob pins upstream's Job controller (syncJob / manageJob): every case starts from a healthy Job and
// its pods and changes one thing; the expected value is the whole plan (actions, status, requeue time).
import { expect } from 'chai';
import type { Job, JobStatus } from '../../../../agent/model/job';
import { planJob } from '../../../../agent/jobs/plan-job';
import { NOW, aJob, aJobPod, condition, iso } from '../../../helpers/job-builders';
import { STARTED, base, check, count, create, del, event, running } from '../../../helpers/job-plan';

const SUCCESS: [string, string] = ['CompletionsReached', 'Reached expected number of succeeded pods'];
const BACKOFF: [string, string] = ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'];
const DEADLINE: [string, string] = ['DeadlineExceeded', 'Job was active longer than specified deadline'];

describe('agent/jobs/plan-job', () => {
  describe('a NonIndexed Job', () => {
    check([
      {
        situation: 'new: records startTime and creates its first pod',
        job: aJob(),
        want: { actions: [create()], status: base({ startTime: iso(NOW), active: 1 }) },
      },
      {
        situation: 'one pod running and ready: nothing to do',
        job: aJob({}, running()),
        pods: [aJobPod('pi-a', 'Running', { ready: true })],
        want: { actions: [], status: base({ active: 1, ready: 1 }) },
      },
      {
        situation: 'parallelism 3 of 5 completions, 1 succeeded, 1 running: creates 2',
        job: aJob({ completions: 5, parallelism: 3 }, running({ succeeded: 1 })),
        pods: [aJobPod('pi-a', 'Succeeded', { counted: true }), aJobPod('pi-b', 'Running')],
        want: { actions: [create(), create()], status: base({ succeeded: 1, active: 3 }) },
      },
      {
        situation: 'parallelism above the completions left: only as many as are missing',
        job: aJob({ completions: 2, parallelism: 5 }, running({ succeeded: 1 })),
        pods: [aJobPod('pi-a', 'Succeeded', { counted: true })],
        want: { actions: [create()], status: base({ succeeded: 1, active: 1 }) },
      },
      {
        situation: 'parallelism lowered: deletes the not-ready pod first',
        job: aJob({ completions: 5, parallelism: 1 }, running()),
        pods: [aJobPod('pi-a', 'Running', { ready: true }), aJobPod('pi-b', 'Running')],
        want: {
          actions: [del('pi-b', 'too many active pods')],
          status: base({ active: 1, ready: 1, terminating: 1 }),
        },
      },
      {
        situation: 'its pod succeeded: counts it, SuccessCriteriaMet and Complete, completionTime, Completed',
        job: aJob({}, running()),
        pods: [aJobPod('pi-a', 'Succeeded')],
        want: {
          actions: [count('pi-a'), event('Normal', 'Completed', 'Job completed')],
          status: base({
            succeeded: 1,
            completionTime: iso(NOW),
            conditions: [condition('SuccessCriteriaMet', ...SUCCESS), condition('Complete', ...SUCCESS)],
          }),
        },
      },
      {
        situation: 'a counted pod is not counted again',
        job: aJob({ completions: 2 }, running({ succeeded: 1 })),
        pods: [aJobPod('pi-a', 'Succeeded', { counted: true }), aJobPod('pi-b', 'Running')],
        want: { actions: [], status: base({ succeeded: 1, active: 1 }) },
      },
      {
        situation: 'no completions, parallelism 2: one succeeded, one running: waits, creates none',
        job: aJob({ completions: undefined, parallelism: 2 }, running({ succeeded: 1 })),
        pods: [aJobPod('pi-a', 'Succeeded', { counted: true }), aJobPod('pi-b', 'Running')],
        want: { actions: [], status: base({ succeeded: 1, active: 1 }) },
      },
      {
        situation: 'no completions: complete once one succeeded and none runs',
        job: aJob({ completions: undefined, parallelism: 2 }, running({ succeeded: 1 })),
        pods: [aJobPod('pi-a', 'Succeeded', { counted: true }), aJobPod('pi-b', 'Succeeded')],
        want: {
          actions: [count('pi-b'), event('Normal', 'Completed', 'Job completed')],
          status: base({
            succeeded: 2,
            completionTime: iso(NOW),
            conditions: [condition('SuccessCriteriaMet', ...SUCCESS), condition('Complete', ...SUCCESS)],
          }),
        },
      },
    ]);
  });

  describe('failures and back-off (restartPolicy Never)', () => {
    check([
      {
        situation: 'its pod failed 60 s ago: counted, replaced at once (back-off 10 s passed)',
        job: aJob({}, running()),
        pods: [aJobPod('pi-a', 'Failed')],
        want: { actions: [count('pi-a'), create()], status: base({ failed: 1, active: 1 }) },
      },
      {
        situation: 'its pod failed 4 s ago: counted, retried 10 s after the failure',
        job: aJob({}, running()),
        pods: [aJobPod('pi-a', 'Failed', { finishedAt: NOW - 4_000 })],
        want: { actions: [count('pi-a')], status: base({ failed: 1 }), requeueAt: NOW + 6_000 },
      },
      {
        situation: 'three failures since the last success: 40 s from the last one',
        job: aJob({ completions: 3 }, running({ failed: 3, succeeded: 1 })),
        pods: [
          aJobPod('pi-s', 'Succeeded', { counted: true, finishedAt: NOW - 100_000 }),
          aJobPod('pi-a', 'Failed', { counted: true, finishedAt: NOW - 90_000 }),
          aJobPod('pi-b', 'Failed', { counted: true, finishedAt: NOW - 60_000 }),
          aJobPod('pi-c', 'Failed', { counted: true, finishedAt: NOW - 30_000 }),
        ],
        want: { actions: [], status: base({ failed: 3, succeeded: 1 }), requeueAt: NOW + 10_000 },
      },
      {
        situation: 'failures before the last success do not count toward the back-off',
        job: aJob({ completions: 3 }, running({ failed: 2, succeeded: 1 })),
        pods: [
          aJobPod('pi-a', 'Failed', { counted: true, finishedAt: NOW - 90_000 }),
          aJobPod('pi-b', 'Failed', { counted: true, finishedAt: NOW - 80_000 }),
          aJobPod('pi-s', 'Succeeded', { counted: true, finishedAt: NOW - 70_000 }),
        ],
        want: { actions: [create()], status: base({ failed: 2, succeeded: 1, active: 1 }) },
      },
      {
        situation: 'a failure in the same second as the last success still backs off',
        job: aJob({ completions: 2, parallelism: 2 }, running({ succeeded: 1 })),
        pods: [
          aJobPod('pi-s', 'Succeeded', { counted: true, finishedAt: NOW - 2_000 }),
          aJobPod('pi-a', 'Failed', { finishedAt: NOW - 2_000 }),
        ],
        want: { actions: [count('pi-a')], status: base({ succeeded: 1, failed: 1 }), requeueAt: NOW + 8_000 },
      },
      {
        situation: 'the back-off stops doubling at 10 minutes',
        job: aJob({ backoffLimit: 20 }, running({ failed: 8 })),
        pods: Array.from({ length: 8 }, (_, i) =>
          aJobPod(`pi-${i}`, 'Failed', { counted: true, finishedAt: NOW - 1_000 }),
        ),
        want: { actions: [], status: base({ failed: 8 }), requeueAt: NOW - 1_000 + 600_000 },
      },
      {
        situation: 'failed beyond backoffLimit: FailureTarget and Failed (BackoffLimitExceeded)',
        job: aJob({ backoffLimit: 1 }, running({ failed: 1 })),
        pods: [aJobPod('pi-a', 'Failed', { counted: true }), aJobPod('pi-b', 'Failed')],
        want: {
          actions: [count('pi-b'), event('Warning', ...BACKOFF)],
          status: base({
            failed: 2,
            conditions: [condition('FailureTarget', ...BACKOFF), condition('Failed', ...BACKOFF)],
          }),
        },
      },
      {
        situation:
          'failed beyond backoffLimit with a pod still running: FailureTarget, deletes it, Failed later',
        job: aJob({ backoffLimit: 0, parallelism: 2, completions: 2 }, running()),
        pods: [aJobPod('pi-a', 'Failed'), aJobPod('pi-b', 'Running')],
        want: {
          actions: [count('pi-a'), del('pi-b', 'BackoffLimitExceeded')],
          status: base({ failed: 1, terminating: 1, conditions: [condition('FailureTarget', ...BACKOFF)] }),
        },
      },
      {
        situation: 'FailureTarget and a pod still terminating: waits',
        job: aJob(
          {},
          running({ failed: 1, conditions: [condition('FailureTarget', ...BACKOFF, NOW - 5_000)] }),
        ),
        pods: [aJobPod('pi-b', 'Running', { deleting: true })],
        want: {
          actions: [],
          status: base({
            failed: 1,
            terminating: 1,
            conditions: [condition('FailureTarget', ...BACKOFF, NOW - 5_000)],
          }),
        },
      },
      {
        situation: 'FailureTarget and no pod left: Failed with the same reason',
        job: aJob(
          {},
          running({ failed: 1, conditions: [condition('FailureTarget', ...BACKOFF, NOW - 5_000)] }),
        ),
        want: {
          actions: [event('Warning', ...BACKOFF)],
          status: base({
            failed: 1,
            conditions: [
              condition('FailureTarget', ...BACKOFF, NOW - 5_000),
              condition('Failed', ...BACKOFF),
            ],
          }),
        },
      },
      {
        situation: 'restartPolicy OnFailure: container restarts reaching backoffLimit fail the Job',
        job: aJob(
          {
            backoffLimit: 2,
            template: { spec: { ...aJob().spec.template.spec, restartPolicy: 'OnFailure' } },
          },
          running(),
        ),
        pods: [aJobPod('pi-a', 'Running', { restarts: 2 })],
        want: {
          actions: [del('pi-a', 'BackoffLimitExceeded')],
          status: base({ terminating: 1, conditions: [condition('FailureTarget', ...BACKOFF)] }),
        },
      },
      {
        situation: 'restartPolicy OnFailure: fewer restarts than backoffLimit keep it running',
        job: aJob(
          {
            backoffLimit: 3,
            template: { spec: { ...aJob().spec.template.spec, restartPolicy: 'OnFailure' } },
          },
          running(),
        ),
        pods: [aJobPod('pi-a', 'Running', { restarts: 2 })],
        want: { actions: [], status: base({ active: 1 }) },
      },
    ]);
  });

  describe('activeDeadlineSeconds', () => {
    check([
      {
        situation: 'not reached: comes back at the deadline',
        job: aJob({ activeDeadlineSeconds: 900 }, running()),
        pods: [aJobPod('pi-a', 'Running')],
        want: { actions: [], status: base({ active: 1 }), requeueAt: STARTED + 900_000 },
      },
      {
        situation: 'passed: deletes the running pod and sets FailureTarget (DeadlineExceeded)',
        job: aJob({ activeDeadlineSeconds: 600 }, running()),
        pods: [aJobPod('pi-a', 'Running')],
        want: {
          actions: [del('pi-a', 'DeadlineExceeded')],
          status: base({ terminating: 1, conditions: [condition('FailureTarget', ...DEADLINE)] }),
        },
      },
    ]);
  });

  describe('suspend', () => {
    const suspended = condition('Suspended', 'JobSuspended', 'Job suspended', NOW - 5_000);
    check([
      {
        situation: 'suspended with a running pod: deletes it, Suspended condition and event',
        job: aJob({ suspend: true }, running()),
        pods: [aJobPod('pi-a', 'Running')],
        want: {
          actions: [del('pi-a', 'job suspended'), event('Normal', 'Suspended', 'Job suspended')],
          status: base({
            terminating: 1,
            conditions: [condition('Suspended', 'JobSuspended', 'Job suspended')],
          }),
        },
      },
      {
        situation: 'created suspended: no startTime, no pod',
        job: aJob({ suspend: true }),
        want: {
          actions: [event('Normal', 'Suspended', 'Job suspended')],
          status: {
            ready: 0,
            terminating: 0,
            uncountedTerminatedPods: {},
            conditions: [condition('Suspended', 'JobSuspended', 'Job suspended')],
          },
        },
      },
      {
        situation: 'resumed: Suspended turns False (JobResumed), startTime restarts, a pod is created',
        job: aJob({}, running({ conditions: [suspended] })),
        want: {
          actions: [event('Normal', 'Resumed', 'Job resumed'), create()],
          status: base({
            startTime: iso(NOW),
            active: 1,
            conditions: [condition('Suspended', 'JobResumed', 'Job resumed', NOW, 'False')],
          }),
        },
      },
    ]);
  });

  describe('completionMode Indexed', () => {
    const indexed = (s: JobStatus = running(), spec: Partial<Job['spec']> = {}): Job =>
      aJob({ completionMode: 'Indexed', completions: 3, parallelism: 2, ...spec }, s);
    check([
      {
        situation: 'new: creates the lowest indexes, parallelism at once',
        job: indexed(),
        want: {
          actions: [create(0), create(1)],
          status: base({ active: 2 }),
        },
      },
      {
        situation: 'index 0 succeeded: counted into completedIndexes, index 2 starts',
        job: indexed(),
        pods: [aJobPod('pi-0-a', 'Succeeded', { index: 0 }), aJobPod('pi-1-a', 'Running', { index: 1 })],
        want: {
          actions: [count('pi-0-a'), create(2)],
          status: base({ succeeded: 1, completedIndexes: '0', active: 2 }),
        },
      },
      {
        situation: 'index 1 failed: retried with the same index after the back-off',
        job: indexed(running({ succeeded: 1, completedIndexes: '0' })),
        pods: [
          aJobPod('pi-0-a', 'Succeeded', { index: 0, counted: true, finishedAt: NOW - 120_000 }),
          aJobPod('pi-1-a', 'Failed', { index: 1 }),
          aJobPod('pi-2-a', 'Running', { index: 2 }),
        ],
        want: {
          actions: [count('pi-1-a'), create(1)],
          status: base({ failed: 1, succeeded: 1, completedIndexes: '0', active: 2 }),
        },
      },
      {
        situation: 'two pods for one index: the newer goes',
        job: indexed(running(), { parallelism: 3 }),
        pods: [
          aJobPod('pi-0-a', 'Running', { index: 0 }),
          aJobPod('pi-0-b', 'Running', { index: 0, createdAt: NOW - 1_000 }),
          aJobPod('pi-1-a', 'Running', { index: 1 }),
          aJobPod('pi-2-a', 'Running', { index: 2 }),
        ],
        want: {
          actions: [del('pi-0-b', 'index not wanted')],
          status: base({ active: 3, terminating: 1 }),
        },
      },
      {
        situation: 'every index completed: Complete',
        job: indexed(running({ succeeded: 2, completedIndexes: '0,2' })),
        pods: [aJobPod('pi-1-a', 'Succeeded', { index: 1 })],
        want: {
          actions: [count('pi-1-a'), event('Normal', 'Completed', 'Job completed')],
          status: base({
            succeeded: 3,
            completedIndexes: '0-2',
            completionTime: iso(NOW),
            conditions: [condition('SuccessCriteriaMet', ...SUCCESS), condition('Complete', ...SUCCESS)],
          }),
        },
      },
    ]);
  });

  describe('a finished Job', () => {
    const complete = (ttl?: number): Job =>
      aJob(ttl === undefined ? {} : { ttlSecondsAfterFinished: ttl }, {
        ...running({ succeeded: 1, completionTime: iso(NOW - 30_000) }),
        conditions: [condition('Complete', ...SUCCESS, NOW - 30_000)],
      });
    check([
      {
        situation: 'keeps its status; a pod not yet counted loses the finalizer',
        job: complete(),
        pods: [aJobPod('pi-a', 'Succeeded')],
        want: { actions: [count('pi-a')], status: complete().status },
      },
      {
        situation: 'ttlSecondsAfterFinished not reached: comes back then',
        job: complete(60),
        want: { actions: [], status: complete().status, requeueAt: NOW + 30_000 },
      },
      {
        situation: 'ttlSecondsAfterFinished passed: the Job is deleted',
        job: complete(10),
        want: {
          actions: [{ type: 'deleteJob', reason: 'ttlSecondsAfterFinished' }],
          status: complete().status,
        },
      },
      {
        situation: 'ttlSecondsAfterFinished 0: deleted as it completes',
        job: aJob({ ttlSecondsAfterFinished: 0 }, running({ succeeded: 1 })),
        pods: [aJobPod('pi-a', 'Succeeded', { counted: true })],
        want: {
          actions: [
            event('Normal', 'Completed', 'Job completed'),
            { type: 'deleteJob', reason: 'ttlSecondsAfterFinished' },
          ],
          status: base({
            succeeded: 1,
            completionTime: iso(NOW),
            conditions: [condition('SuccessCriteriaMet', ...SUCCESS), condition('Complete', ...SUCCESS)],
          }),
        },
      },
    ]);
  });

  it('does nothing for a Job being deleted', () => {
    const job = aJob({}, running());
    job.metadata.deletionTimestamp = iso(NOW);
    expect(planJob(job, [aJobPod('pi-a', 'Running')], NOW)).to.deep.equal({ actions: [], status: running() });
  });
});

// podFailurePolicy, successPolicy and backoffLimitPerIndex as upstream's Job controller applies them:
// each case a Job and its pods, the expected value the whole plan.
import type { JobAction } from '../../../../agent/jobs/plan-job';
import type { PodFailurePolicyRule } from '../../../../agent/jobs/pod-failure-policy';
import type { Job, JobStatus } from '../../../../agent/model/job';
import type { Pod, PodCondition } from '../../../../agent/model/pod';
import { INDEX_FAILURE_COUNT } from '../../../../agent/jobs/job-pods';
import { type JobPodOptions, NOW, aJob, aJobPod, condition, iso } from '../../../helpers/job-builders';
import { base, check, count, create, del, event, running } from '../../../helpers/job-plan';

const warning = (reason: string, message: string): JobAction => event('Warning', reason, message);

/** A failed pod whose container `pi` exited with `exitCode`, with extra pod conditions. */
function failed(
  name: string,
  exitCode: number,
  o: JobPodOptions & { conditions?: string[]; indexFailures?: number } = {},
): Pod {
  const pod = aJobPod(name, 'Failed', o);
  const state = pod.status.containerStatuses?.[0]?.state.terminated;
  if (state) state.exitCode = exitCode;
  pod.status.conditions = (o.conditions ?? []).map(
    (type) =>
      ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: iso(NOW),
      }) as unknown as PodCondition,
  );
  if (o.indexFailures !== undefined)
    pod.metadata.annotations = {
      ...pod.metadata.annotations,
      [INDEX_FAILURE_COUNT]: String(o.indexFailures),
    };
  return pod;
}

const policy = (...rules: PodFailurePolicyRule[]): Partial<Job['spec']> => ({ podFailurePolicy: { rules } });
const exitIn = (action: PodFailurePolicyRule['action'], values: number[], containerName?: string) => ({
  action,
  onExitCodes: { operator: 'In' as const, values, ...(containerName ? { containerName } : {}) },
});

const POLICY_FAIL = (pod: string, code: number, index = 0): [string, string] => [
  'PodFailurePolicy',
  `Container pi for pod default/${pod} failed with exit code ${code} matching FailJob rule at index ${index}`,
];

describe('agent/jobs: podFailurePolicy', () => {
  check([
    {
      situation: 'onExitCodes In [42] FailJob: FailureTarget and Failed, reason PodFailurePolicy',
      job: aJob(policy(exitIn('FailJob', [42])), running()),
      pods: [failed('pi-a', 42)],
      want: {
        actions: [count('pi-a'), warning(...POLICY_FAIL('pi-a', 42))],
        status: base({
          failed: 1,
          conditions: [
            condition('FailureTarget', ...POLICY_FAIL('pi-a', 42)),
            condition('Failed', ...POLICY_FAIL('pi-a', 42)),
          ],
        }),
      },
    },
    {
      situation: 'the first matching rule decides (Ignore at 0 before FailJob at 1): not counted, retried',
      job: aJob(policy(exitIn('Ignore', [42]), exitIn('FailJob', [1, 42])), running()),
      pods: [failed('pi-a', 42, { finishedAt: NOW - 20_000 })],
      want: {
        actions: [count('pi-a'), create()],
        status: base({ active: 1 }),
      },
    },
    {
      situation: 'a containerName that is not the failed one: no match, counted as usual',
      job: aJob(policy(exitIn('FailJob', [42], 'other')), running()),
      pods: [failed('pi-a', 42, { finishedAt: NOW - 20_000 })],
      want: {
        actions: [count('pi-a'), create()],
        status: base({ failed: 1, active: 1 }),
      },
    },
    {
      situation: 'NotIn [0, 42] with exit code 3: FailJob at that rule',
      job: aJob(
        policy(exitIn('Count', [5]), {
          action: 'FailJob',
          onExitCodes: { operator: 'NotIn', values: [0, 42] },
        }),
        running(),
      ),
      pods: [failed('pi-a', 3)],
      want: {
        actions: [count('pi-a'), warning(...POLICY_FAIL('pi-a', 3, 1))],
        status: base({
          failed: 1,
          conditions: [
            condition('FailureTarget', ...POLICY_FAIL('pi-a', 3, 1)),
            condition('Failed', ...POLICY_FAIL('pi-a', 3, 1)),
          ],
        }),
      },
    },
    {
      situation: 'onPodConditions DisruptionTarget Ignore: the failure does not count toward backoffLimit',
      job: aJob(
        {
          backoffLimit: 0,
          ...policy({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }),
        },
        running(),
      ),
      pods: [failed('pi-a', 137, { conditions: ['DisruptionTarget'], finishedAt: NOW - 20_000 })],
      want: {
        actions: [count('pi-a'), create()],
        status: base({ active: 1 }),
      },
    },
    {
      situation: 'onPodConditions FailJob: upstream message names the condition',
      job: aJob(
        policy({ action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }),
        running(),
      ),
      pods: [failed('pi-a', 137, { conditions: ['DisruptionTarget'] })],
      want: {
        actions: [
          count('pi-a'),
          warning(
            'PodFailurePolicy',
            'Pod default/pi-a has condition DisruptionTarget matching FailJob rule at index 0',
          ),
        ],
        status: base({
          failed: 1,
          conditions: [
            condition(
              'FailureTarget',
              'PodFailurePolicy',
              'Pod default/pi-a has condition DisruptionTarget matching FailJob rule at index 0',
            ),
            condition(
              'Failed',
              'PodFailurePolicy',
              'Pod default/pi-a has condition DisruptionTarget matching FailJob rule at index 0',
            ),
          ],
        }),
      },
    },
    {
      situation: 'FailJob with another pod running: FailureTarget, the pod deleted, Failed later',
      job: aJob({ parallelism: 2, completions: 2, ...policy(exitIn('FailJob', [42])) }, running()),
      pods: [failed('pi-a', 42), aJobPod('pi-b', 'Running')],
      want: {
        actions: [count('pi-a'), del('pi-b', 'PodFailurePolicy')],
        status: base({
          failed: 1,
          terminating: 1,
          conditions: [condition('FailureTarget', ...POLICY_FAIL('pi-a', 42))],
        }),
      },
    },
  ]);
});

const indexed = (spec: Partial<Job['spec']>, s: JobStatus = running()): Job =>
  aJob({ completionMode: 'Indexed', completions: 3, parallelism: 3, ...spec }, s);
const SUCCESS_POLICY: [string, string] = ['SuccessPolicy', 'Matched rules at index 0'];

describe('agent/jobs: successPolicy (Indexed)', () => {
  check([
    {
      situation: 'succeededIndexes "0" met: SuccessCriteriaMet, the other pods deleted, Complete later',
      job: indexed({ successPolicy: { rules: [{ succeededIndexes: '0' }] } }),
      pods: [
        aJobPod('pi-0', 'Succeeded', { index: 0 }),
        aJobPod('pi-1', 'Running', { index: 1 }),
        aJobPod('pi-2', 'Running', { index: 2 }),
      ],
      want: {
        actions: [count('pi-0'), del('pi-1', 'job complete'), del('pi-2', 'job complete')],
        status: base({
          succeeded: 1,
          completedIndexes: '0',
          terminating: 2,
          conditions: [condition('SuccessCriteriaMet', ...SUCCESS_POLICY)],
        }),
      },
    },
    {
      situation: 'SuccessCriteriaMet and no pod left: Complete with the same reason and message',
      job: indexed(
        { successPolicy: { rules: [{ succeededIndexes: '0' }] } },
        running({
          succeeded: 1,
          completedIndexes: '0',
          conditions: [condition('SuccessCriteriaMet', ...SUCCESS_POLICY, NOW - 5_000)],
        }),
      ),
      pods: [aJobPod('pi-0', 'Succeeded', { index: 0, counted: true })],
      want: {
        actions: [event('Normal', 'Completed', 'Job completed')],
        status: base({
          succeeded: 1,
          completedIndexes: '0',
          completionTime: iso(NOW),
          conditions: [
            condition('SuccessCriteriaMet', ...SUCCESS_POLICY, NOW - 5_000),
            condition('Complete', ...SUCCESS_POLICY),
          ],
        }),
      },
    },
    {
      situation: 'succeededIndexes "0-2" with succeededCount 2: one is not enough',
      job: indexed({ successPolicy: { rules: [{ succeededIndexes: '0-2', succeededCount: 2 }] } }),
      pods: [
        aJobPod('pi-0', 'Succeeded', { index: 0 }),
        aJobPod('pi-1', 'Running', { index: 1 }),
        aJobPod('pi-2', 'Running', { index: 2 }),
      ],
      want: {
        actions: [count('pi-0')],
        status: base({ succeeded: 1, completedIndexes: '0', active: 2 }),
      },
    },
    {
      situation: 'succeededCount 2 at rule 1 met by indexes 1 and 2',
      job: indexed({ successPolicy: { rules: [{ succeededIndexes: '0' }, { succeededCount: 2 }] } }),
      pods: [
        aJobPod('pi-0', 'Running', { index: 0 }),
        aJobPod('pi-1', 'Succeeded', { index: 1 }),
        aJobPod('pi-2', 'Succeeded', { index: 2 }),
      ],
      want: {
        actions: [count('pi-1'), count('pi-2'), del('pi-0', 'job complete')],
        status: base({
          succeeded: 2,
          completedIndexes: '1-2',
          terminating: 1,
          conditions: [condition('SuccessCriteriaMet', 'SuccessPolicy', 'Matched rules at index 1')],
        }),
      },
    },
  ]);
});

describe('agent/jobs: backoffLimitPerIndex', () => {
  const perIndex = (spec: Partial<Job['spec']> = {}, s?: JobStatus): Job =>
    indexed({ backoffLimitPerIndex: 1, backoffLimit: 2147483647, ...spec }, s);
  check([
    {
      situation: 'a first failure of index 1: retried, the replacement records one failure',
      job: perIndex(),
      pods: [
        aJobPod('pi-0', 'Running', { index: 0 }),
        aJobPod('pi-1', 'Failed', { index: 1, finishedAt: NOW - 20_000 }),
        aJobPod('pi-2', 'Running', { index: 2 }),
      ],
      want: {
        actions: [
          count('pi-1'),
          { type: 'createPod', index: 1, indexFailures: 1, reason: 'too few active pods' },
        ],
        status: base({ failed: 1, failedIndexes: '', active: 3 }),
      },
    },
    {
      situation: 'FailIndex: the index fails at once, not retried; the others go on',
      job: perIndex(policy(exitIn('FailIndex', [42]))),
      pods: [
        aJobPod('pi-0', 'Running', { index: 0 }),
        failed('pi-1', 42, { index: 1 }),
        aJobPod('pi-2', 'Running', { index: 2 }),
      ],
      want: {
        actions: [count('pi-1')],
        status: base({ failed: 1, failedIndexes: '1', active: 2 }),
      },
    },
    {
      situation: 'every index finished, one failed: FailureTarget FailedIndexes',
      job: perIndex({}, running({ succeeded: 2, completedIndexes: '0,2', failedIndexes: '1', failed: 2 })),
      pods: [],
      want: {
        actions: [warning('FailedIndexes', 'Job has failed indexes')],
        status: base({
          succeeded: 2,
          completedIndexes: '0,2',
          failed: 2,
          failedIndexes: '1',
          conditions: [
            condition('FailureTarget', 'FailedIndexes', 'Job has failed indexes'),
            condition('Failed', 'FailedIndexes', 'Job has failed indexes'),
          ],
        }),
      },
    },
    {
      situation: 'more failed indexes than maxFailedIndexes: MaxFailedIndexesExceeded',
      job: perIndex({ maxFailedIndexes: 0 }),
      pods: [
        aJobPod('pi-0', 'Running', { index: 0 }),
        failed('pi-1a', 1, { index: 1, counted: true }),
        failed('pi-1', 1, { index: 1, indexFailures: 1 }),
      ],
      want: {
        actions: [count('pi-1'), del('pi-0', 'MaxFailedIndexesExceeded')],
        status: base({
          failed: 1,
          failedIndexes: '1',
          terminating: 1,
          conditions: [
            condition(
              'FailureTarget',
              'MaxFailedIndexesExceeded',
              'Job has exceeded the specified maximal number of failed indexes',
            ),
          ],
        }),
      },
    },
  ]);
});

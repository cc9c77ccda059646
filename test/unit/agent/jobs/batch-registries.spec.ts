// The Job and CronJob write paths: upstream's defaults, the generated selector, and validation with field
// causes in the API server's words.
import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { MiniKubeletError } from '../../../../agent/errors';
import { CronJobRegistry, JobRegistry } from '../../../../agent/jobs/batch-registries';
import type { CronJob, Job } from '../../../../agent/model/job';
import { ObjectStore, ResourceVersions, noPersistence } from '../../../../agent/store/object-store';

const template = (restartPolicy = 'Never'): object => ({
  spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox' }] },
});
const job = (spec: object = {}): object => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi' },
  spec: { template: template(), ...spec },
});

describe('agent/jobs/batch-registries', () => {
  let jobs: JobRegistry;
  let cronJobs: CronJobRegistry;
  beforeEach(() => {
    const deps = { clock: new ManualClock(), versions: new ResourceVersions(), persistence: noPersistence };
    jobs = new JobRegistry(new ObjectStore<Job>('Job', deps), deps.clock);
    cronJobs = new CronJobRegistry(new ObjectStore<CronJob>('CronJob', deps), deps.clock);
  });

  /** The 422's message, or '' when the body is accepted. */
  const refusal = (create: () => unknown): string => {
    try {
      create();
      return '';
    } catch (err) {
      expect(err).to.be.instanceOf(MiniKubeletError);
      return (err as MiniKubeletError).message;
    }
  };

  it('fills upstream defaults and generates the selector and template labels from the uid', () => {
    const j = jobs.create(job(), 'default');
    const uid = j.metadata.uid;
    expect(j.spec).to.deep.include({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
    });
    expect(j.spec.template.metadata?.labels).to.deep.equal({
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': uid,
      'job-name': 'pi',
    });
    expect(j.spec.template.spec).to.include({ terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst' });
  });

  it('defaults onPodConditions status to True and backoffLimit to MaxInt32 with backoffLimitPerIndex', () => {
    const j = jobs.create(
      job({
        completionMode: 'Indexed',
        completions: 2,
        backoffLimitPerIndex: 1,
        podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
      }),
      'default',
    );
    expect(j.spec.backoffLimit).to.equal(2147483647);
    expect(j.spec.podFailurePolicy?.rules[0]?.onPodConditions).to.deep.equal([
      { type: 'DisruptionTarget', status: 'True' },
    ]);
  });

  it('leaves completions unset when only parallelism is given', () => {
    expect(jobs.create(job({ parallelism: 3 }), 'default').spec.completions).to.equal(undefined);
  });

  const refused: [string, object, string][] = [
    [
      'a template that restarts Always',
      { template: template('Always') },
      'Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ],
    [
      'Indexed without completions',
      { completionMode: 'Indexed', parallelism: 2 },
      'Job.batch "pi" is invalid: spec.completions: Required value: when completion mode is Indexed',
    ],
    [
      'a negative backoffLimit',
      { backoffLimit: -1 },
      'Job.batch "pi" is invalid: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
    ],
    [
      'a selector without manualSelector',
      { selector: { matchLabels: { a: 'b' } } },
      'Job.batch "pi" is invalid: spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` not auto-generated',
    ],
    [
      'a template container without a name',
      { template: { spec: { restartPolicy: 'Never', containers: [{ image: 'busybox' }] } } },
      'Job.batch "pi" is invalid: spec.template.spec.containers[0].name: Required value',
    ],
    [
      'a podFailurePolicy with restartPolicy OnFailure',
      {
        template: template('OnFailure'),
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
      },
      'Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
    ],
    [
      'an unknown podFailurePolicy action and operator',
      { podFailurePolicy: { rules: [{ action: 'Retry', onExitCodes: { operator: 'Is', values: [1] } }] } },
      'Job.batch "pi" is invalid: [spec.podFailurePolicy.rules[0].action: Unsupported value: "Retry": supported values: "Count", "FailIndex", "FailJob", "Ignore", spec.podFailurePolicy.rules[0].onExitCodes.operator: Unsupported value: "Is": supported values: "In", "NotIn"]',
    ],
    [
      'exit code 0 for In, unordered values, an unknown container',
      {
        podFailurePolicy: {
          rules: [{ action: 'Count', onExitCodes: { containerName: 'x', operator: 'In', values: [3, 0] } }],
        },
      },
      'Job.batch "pi" is invalid: [spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "x": must be one of the container or initContainer names in the pod template, spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator, spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,0]: must be ordered]',
    ],
    [
      'FailIndex without backoffLimitPerIndex',
      {
        podFailurePolicy: {
          rules: [{ action: 'FailIndex', onPodConditions: [{ type: 'DisruptionTarget' }] }],
        },
      },
      'Job.batch "pi" is invalid: spec.podFailurePolicy.rules[0].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set',
    ],
    [
      'a rule with neither onExitCodes nor onPodConditions',
      { podFailurePolicy: { rules: [{ action: 'Ignore' }] } },
      'Job.batch "pi" is invalid: spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required',
    ],
    [
      'a successPolicy on a NonIndexed Job',
      { successPolicy: { rules: [{ succeededCount: 1 }] } },
      'Job.batch "pi" is invalid: spec.successPolicy: Invalid value: {"rules":[{"succeededCount":1}]}: requires indexed completion mode',
    ],
    [
      'a successPolicy asking for more than the completions',
      {
        completionMode: 'Indexed',
        completions: 2,
        successPolicy: { rules: [{ succeededIndexes: '0-3', succeededCount: 3 }] },
      },
      'Job.batch "pi" is invalid: [spec.successPolicy.rules[0].succeededIndexes: Invalid value: "0-3": error parsing succeededIndexes: too large index: "0-3", spec.successPolicy.rules[0].succeededCount: Invalid value: 3: must be less than or equal to 2 (the number of specified completions)]',
    ],
    [
      'backoffLimitPerIndex on a NonIndexed Job',
      { backoffLimitPerIndex: 1 },
      'Job.batch "pi" is invalid: spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode',
    ],
  ];
  for (const [what, spec, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(refusal(() => jobs.create(job(spec), 'default'))).to.equal(message);
    });
  }

  for (const [policy, finalizer] of [
    ['Foreground', 'foregroundDeletion'],
    ['Orphan', 'orphan'],
  ] as const)
    it(`deleting with propagationPolicy ${policy} marks the Job with ${finalizer} (the collector finishes)`, () => {
      jobs.create(job(), 'default');
      const marked = jobs.delete('default', 'pi', { propagationPolicy: policy });
      expect(marked.metadata['finalizers']).to.deep.equal([finalizer]);
      expect(marked.metadata.deletionTimestamp).to.be.a('string');
      expect(jobs.delete('default', 'pi').metadata.deletionTimestamp).to.equal(
        marked.metadata.deletionTimestamp,
      );
    });

  it('deleting with no policy (Background) removes the Job at once', () => {
    jobs.create(job(), 'default');
    jobs.delete('default', 'pi');
    expect(() => jobs.delete('default', 'pi')).to.throw(MiniKubeletError);
  });

  it('keeps the template immutable on update', () => {
    const j = jobs.create(job(), 'default');
    const changed = structuredClone(j);
    changed.spec.template.spec.containers[0]!.image = 'other';
    expect(refusal(() => jobs.update(changed, 'default', 'pi'))).to.match(
      /^Job\.batch "pi" is invalid: spec\.template: Invalid value: .*: field is immutable$/,
    );
    const suspended = { ...structuredClone(j), spec: { ...structuredClone(j.spec), suspend: true } };
    expect(jobs.update(suspended, 'default', 'pi').spec.suspend).to.equal(true);
  });

  it('defaults a CronJob and refuses a bad time zone and a long name', () => {
    const body = (name: string, spec: object): object => ({
      metadata: { name },
      spec: { schedule: '@hourly', jobTemplate: { spec: { template: template() } }, ...spec },
    });
    expect(cronJobs.create(body('ok', {}), 'default').spec).to.deep.include({
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    expect(refusal(() => cronJobs.create(body('tz', { timeZone: 'Mars/Olympus' }), 'default'))).to.equal(
      'CronJob.batch "tz" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
    );
    const long = 'x'.repeat(53);
    expect(refusal(() => cronJobs.create(body(long, {}), 'default'))).to.equal(
      `CronJob.batch "${long}" is invalid: metadata.name: Invalid value: "${long}": must be no more than 52 characters`,
    );
  });
});

// The CronJob and Job controllers in the daemon's wiring, on the memory runtime and a manual clock: Jobs start
// at the scheduled times (no real minutes pass), concurrencyPolicy Forbid holds the next one back while one
// runs, and a finished Job leaves the active list.
import { expect } from 'chai';
import type { LightMyRequestResponse } from 'fastify';
import { ManualClock } from '../../../../agent/clock';
import type { CronJob, Job } from '../../../../agent/model/job';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { Harness } from '../../../helpers/harness';

const START = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;

describe('agent/jobs/cronjob-controller (memory runtime, manual clock)', () => {
  let clock: ManualClock;
  let rt: MemoryRuntime;
  let h: Harness;

  beforeEach(async () => {
    clock = new ManualClock(START);
    rt = new MemoryRuntime(clock);
    h = await new Harness({ runtime: rt, clock }).start();
  });
  afterEach(async () => h.stop());

  const cronJob = (): CronJob => h.agent.batch.cronJobs.get('default', 'tick')!;
  const jobs = (): Job[] => h.agent.batch.jobs.list('default');
  const reasons = (): string[] => h.events.list({ uid: cronJob().metadata.uid }).map((e) => e.reason);
  const jobName = (at: number): string => `tick-${at / MIN}`;
  /** Moves the clock; the controllers react on the next turns of the event loop. */
  const advance = async (ms: number): Promise<void> => {
    clock.advance(ms);
    await new Promise((r) => setImmediate(r));
    h.agent.batch.drain();
  };

  /** POSTs a CronJob of one busybox container. */
  const createCronJob = (name: string, spec: object): Promise<LightMyRequestResponse> =>
    h.api.inject({
      method: 'POST',
      url: '/apis/batch/v1/namespaces/default/cronjobs',
      payload: {
        metadata: { name },
        spec: {
          ...spec,
          jobTemplate: {
            spec: {
              template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
            },
          },
        },
      },
    });

  it('starts a Job at each scheduled time, Forbid waits for the running one, a finished Job leaves the list', async () => {
    const res = await createCronJob('tick', {
      schedule: '*/5 * * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
    });
    expect(res.statusCode, res.body).to.equal(201);
    await advance(0);
    expect(jobs()).to.deep.equal([]);

    await advance(5 * MIN);
    const first = h.agent.batch.jobs.get('default', jobName(START + 5 * MIN));
    expect(first?.metadata.annotations).to.deep.equal({
      'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T00:05:00Z',
    });
    expect(cronJob().status.lastScheduleTime).to.equal('2026-01-01T00:05:00Z');
    expect(cronJob().status.active?.map((r) => [r.kind, r.name, r.uid])).to.deep.equal([
      ['Job', jobName(START + 5 * MIN), first?.metadata.uid],
    ]);
    const pod = await h.waitFor('the Job to start its pod', () =>
      h.pods.list('default').find((p) => p.metadata.labels?.['job-name'] === jobName(START + 5 * MIN)),
    );

    await advance(5 * MIN);
    expect(jobs().map((j) => j.metadata.name)).to.deep.equal([jobName(START + 5 * MIN)]);
    expect(reasons()).to.include('JobAlreadyActive');

    const running = await h.waitFor('the pod to run', () =>
      rt.find(pod.metadata.name, 'c')?.state === 'running' ? rt.find(pod.metadata.name, 'c') : undefined,
    );
    rt.exit(running.id, 0);
    // The Job completes, leaves the active list, and the 00:10 time Forbid held back starts now.
    await h.waitFor('the 00:10 Job', () => h.agent.batch.jobs.get('default', jobName(START + 10 * MIN)));
    const status = cronJob().status;
    expect(status.lastScheduleTime).to.equal('2026-01-01T00:10:00Z');
    expect(status.lastSuccessfulTime).to.equal('2026-01-01T00:10:00Z');
    expect(status.active?.map((r) => r.name)).to.deep.equal([jobName(START + 10 * MIN)]);
    expect(reasons()).to.include.members(['SuccessfulCreate', 'SawCompletedJob']);
  });

  it("records the CronJob's and its Job's events as upstream's cronjob-controller and job-controller, naming batch/v1", async () => {
    expect(
      (await createCronJob('tick', { schedule: '*/5 * * * *', timeZone: 'Etc/UTC' })).statusCode,
    ).to.equal(201);
    await advance(5 * MIN);
    const job = await h.waitFor('the Job', () => h.agent.batch.jobs.get('default', jobName(START + 5 * MIN)));
    await h.waitFor("the Job's pod", () =>
      h.events.list({ uid: job.metadata.uid }).find((e) => e.reason === 'SuccessfulCreate'),
    );
    const seen = (uid: string): (string | undefined)[][] =>
      h.events
        .list({ uid })
        .map((e) => [e.reason, e.involvedObject.apiVersion, e.source.component, e.reportingComponent]);
    expect(seen(cronJob().metadata.uid)).to.deep.include([
      'SuccessfulCreate',
      'batch/v1',
      'cronjob-controller',
      'cronjob-controller',
    ]);
    expect(seen(job.metadata.uid)).to.deep.include([
      'SuccessfulCreate',
      'batch/v1',
      'job-controller',
      'job-controller',
    ]);
  });

  it('deleting a namespace deletes its CronJobs and Jobs first, so no new pod is made', async () => {
    const post = (path: string, payload: object): Promise<LightMyRequestResponse> =>
      h.api.inject({ method: 'POST', url: path, payload });
    expect((await post('/api/v1/namespaces', { metadata: { name: 'team' } })).statusCode).to.equal(201);
    const jobBody = {
      metadata: { name: 'once' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    };
    expect((await post('/apis/batch/v1/namespaces/team/jobs', jobBody)).statusCode).to.equal(201);
    await h.waitFor('the Job pod', () => h.pods.list('team').length === 1);
    const res = await h.api.inject({ method: 'DELETE', url: '/api/v1/namespaces/team' });
    expect(res.statusCode).to.equal(200);
    await advance(0);
    expect(h.agent.batch.jobs.list('team')).to.deep.equal([]);
    await h.waitFor('the namespace to go', () => !h.agent.namespaces.get('', 'team'));
    expect(h.pods.list('team')).to.deep.equal([]);
  });

  it('the garbage collector deletes the Jobs of a deleted CronJob and their pods', async () => {
    await createCronJob('tick', { schedule: '*/5 * * * *', timeZone: 'Etc/UTC' });
    await advance(5 * MIN);
    await h.waitFor('the Job pod', () => h.pods.list('default').length === 1);
    const res = await h.api.inject({
      method: 'DELETE',
      url: '/apis/batch/v1/namespaces/default/cronjobs/tick',
    });
    expect(res.statusCode).to.equal(200);
    await h.waitFor('the Job to go', () => jobs().length === 0);
    await h.waitFor('its pod to go', () => h.pods.list('default').length === 0);
  });

  it('refuses an invalid schedule with the API server words', async () => {
    const res = await createCronJob('bad', { schedule: '*/5 * * *' });
    expect(res.statusCode).to.equal(422);
    expect(res.json()).to.deep.include({
      reason: 'Invalid',
      message:
        'CronJob.batch "bad" is invalid: spec.schedule: Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]',
      details: {
        name: 'bad',
        group: 'batch',
        kind: 'CronJob',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]',
            field: 'spec.schedule',
          },
        ],
      },
    });
  });
});

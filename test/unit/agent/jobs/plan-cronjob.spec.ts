// planCronJob pins upstream's CronJob controller (v2 syncCronJob) on a given time: every case starts from a
// healthy CronJob (every 5 minutes, in UTC) and its Jobs and changes one thing; the expected value is the
// whole plan.
import { expect } from 'chai';
import { Schedule } from '../../../../agent/jobs/cron-schedule';
import {
  type CronJobAction,
  type CronJobPlan,
  jobFor,
  planCronJob,
} from '../../../../agent/jobs/plan-cronjob';
import type { CronJob, Job, ObjectReference } from '../../../../agent/model/job';
import { CREATED, NOW, aCronJob, aCronJobJob, iso } from '../../../helpers/job-builders';

const MIN = 60_000;
const UTC = { timeZone: 'Etc/UTC' };
const cronJob = (spec: Partial<CronJob['spec']> = {}, status: CronJob['status'] = {}): CronJob =>
  aCronJob({ ...UTC, ...spec }, status);
const create = (cj: CronJob, at: number): CronJobAction => ({
  type: 'createJob',
  job: jobFor(cj, at, new Schedule(cj.spec.schedule, cj.spec.timeZone)),
  reason: `scheduled at ${iso(at)}`,
});
const deleteJob = (job: Job, reason: string): CronJobAction => ({
  type: 'deleteJob',
  name: job.metadata.name,
  reason,
});
const event = (eventType: 'Normal' | 'Warning', reason: string, message: string): CronJobAction => ({
  type: 'event',
  eventType,
  reason,
  message,
});
const ref = (job: Job): ObjectReference => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  name: job.metadata.name,
  namespace: 'default',
  uid: job.metadata.uid,
  resourceVersion: '1',
});

interface Case {
  situation: string;
  cj: CronJob;
  jobs?: Job[];
  now?: number;
  want: CronJobPlan;
}

const check = (cases: Case[]): void => {
  for (const c of cases) {
    it(c.situation, () => {
      expect(planCronJob(c.cj, c.jobs ?? [], c.now ?? NOW)).to.deep.equal(c.want);
    });
  }
};

describe('agent/jobs/plan-cronjob', () => {
  const previous = aCronJobJob(NOW - 5 * MIN);
  describe('scheduling', () => {
    check([
      {
        situation: 'due: creates <cronjob>-<minutes> for the most recent time, records lastScheduleTime',
        cj: cronJob(),
        want: {
          actions: [create(cronJob(), NOW)],
          status: { lastScheduleTime: iso(NOW) },
          requeueAt: NOW + 5 * MIN,
        },
      },
      {
        situation: 'that time already processed: waits for the next one',
        cj: cronJob({}, { lastScheduleTime: iso(NOW) }),
        now: NOW + 2 * MIN,
        want: { actions: [], status: { lastScheduleTime: iso(NOW) }, requeueAt: NOW + 5 * MIN },
      },
      {
        situation: 'its Job exists already (status lost): not created twice',
        cj: cronJob({}, { lastScheduleTime: iso(NOW - 5 * MIN) }),
        jobs: [aCronJobJob(NOW)],
        want: {
          actions: [
            event(
              'Warning',
              'UnexpectedJob',
              `Saw a job that the controller did not create or forgot: ${aCronJobJob(NOW).metadata.name}`,
            ),
          ],
          status: { lastScheduleTime: iso(NOW - 5 * MIN), active: [ref(aCronJobJob(NOW))] },
          requeueAt: NOW + 5 * MIN,
        },
      },
      {
        situation: '@every 7m: every 7 minutes from the creation, the most recent one due',
        cj: cronJob({ schedule: '@every 7m' }),
        now: CREATED + 15 * MIN,
        want: {
          actions: [create(cronJob({ schedule: '@every 7m' }), CREATED + 14 * MIN)],
          status: { lastScheduleTime: iso(CREATED + 14 * MIN) },
          requeueAt: CREATED + 21 * MIN,
        },
      },
      {
        situation: '@every 7m: then from the last scheduled time',
        cj: cronJob({ schedule: '@every 7m' }, { lastScheduleTime: iso(CREATED + 14 * MIN) }),
        now: CREATED + 20 * MIN,
        want: {
          actions: [],
          status: { lastScheduleTime: iso(CREATED + 14 * MIN) },
          requeueAt: CREATED + 21 * MIN,
        },
      },
      {
        situation: 'suspend: nothing is scheduled',
        cj: cronJob({ suspend: true }),
        want: { actions: [], status: {} },
      },
      {
        situation: 'concurrencyPolicy Allow: a new Job beside the running one',
        cj: cronJob({}, { lastScheduleTime: iso(NOW - 5 * MIN), active: [ref(previous)] }),
        jobs: [previous],
        want: {
          actions: [create(cronJob(), NOW)],
          status: { lastScheduleTime: iso(NOW), active: [ref(previous)] },
          requeueAt: NOW + 5 * MIN,
        },
      },
      {
        situation: 'concurrencyPolicy Forbid: none while one runs (JobAlreadyActive)',
        cj: cronJob(
          { concurrencyPolicy: 'Forbid' },
          { lastScheduleTime: iso(NOW - 5 * MIN), active: [ref(previous)] },
        ),
        jobs: [previous],
        want: {
          actions: [
            event(
              'Normal',
              'JobAlreadyActive',
              'Not starting job because prior execution is running and concurrency policy is Forbid',
            ),
          ],
          status: { lastScheduleTime: iso(NOW - 5 * MIN), active: [ref(previous)] },
          requeueAt: NOW + 5 * MIN,
        },
      },
      {
        situation: 'concurrencyPolicy Replace: the running one is deleted, the new one created',
        cj: cronJob(
          { concurrencyPolicy: 'Replace' },
          { lastScheduleTime: iso(NOW - 5 * MIN), active: [ref(previous)] },
        ),
        jobs: [previous],
        want: {
          actions: [
            deleteJob(previous, 'concurrencyPolicy Replace'),
            create(cronJob({ concurrencyPolicy: 'Replace' }), NOW),
          ],
          status: { lastScheduleTime: iso(NOW) },
          requeueAt: NOW + 5 * MIN,
        },
      },
      {
        situation: 'startingDeadlineSeconds: a time older than the deadline is not started',
        cj: cronJob({ startingDeadlineSeconds: 60 }, { lastScheduleTime: iso(NOW - 30 * MIN) }),
        now: NOW + 3 * MIN,
        want: { actions: [], status: { lastScheduleTime: iso(NOW - 30 * MIN) }, requeueAt: NOW + 5 * MIN },
      },
      {
        situation: 'startingDeadlineSeconds: a time within the deadline still starts late',
        cj: cronJob({ startingDeadlineSeconds: 200 }, { lastScheduleTime: iso(NOW - 30 * MIN) }),
        now: NOW + 3 * MIN,
        want: {
          actions: [create(cronJob(), NOW)],
          status: { lastScheduleTime: iso(NOW) },
          requeueAt: NOW + 5 * MIN,
        },
      },
      {
        situation: 'more than 100 missed times: TooManyMissedTimes, then the most recent starts',
        cj: cronJob({ schedule: '* * * * *' }),
        now: NOW + 60 * MIN,
        want: {
          actions: [
            event(
              'Warning',
              'TooManyMissedTimes',
              'too many missed start times: 101. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
            ),
            create(cronJob({ schedule: '* * * * *' }), NOW + 60 * MIN),
          ],
          status: { lastScheduleTime: iso(NOW + 60 * MIN) },
          requeueAt: NOW + 61 * MIN,
        },
      },
      {
        situation: 'timeZone: 09:00 in Europe/Berlin is 08:00 UTC in January; the annotation keeps the zone',
        cj: cronJob({ schedule: '0 9 * * *', timeZone: 'Europe/Berlin' }),
        now: Date.parse('2026-01-01T08:00:30Z'),
        want: {
          actions: [
            create(
              cronJob({ schedule: '0 9 * * *', timeZone: 'Europe/Berlin' }),
              Date.parse('2026-01-01T08:00:00Z'),
            ),
          ],
          status: { lastScheduleTime: '2026-01-01T08:00:00Z' },
          requeueAt: Date.parse('2026-01-02T08:00:00Z'),
        },
      },
      {
        situation: 'an unknown stored time zone: UnknownTimeZone, nothing scheduled',
        cj: cronJob({ timeZone: 'Mars/Olympus' }),
        want: {
          actions: [
            event(
              'Warning',
              'UnknownTimeZone',
              'invalid timeZone: "Mars/Olympus": unknown time zone Mars/Olympus',
            ),
          ],
          status: {},
        },
      },
    ]);
  });

  describe('the Jobs it made', () => {
    const done = aCronJobJob(NOW - 5 * MIN, 'Complete');
    check([
      {
        situation: 'a listed Job finished: SawCompletedJob, off the list, lastSuccessfulTime',
        cj: cronJob({}, { lastScheduleTime: iso(NOW), active: [ref(done)] }),
        jobs: [done],
        now: NOW + MIN,
        want: {
          actions: [
            event(
              'Normal',
              'SawCompletedJob',
              `Saw completed job: ${done.metadata.name}, condition: Complete`,
            ),
          ],
          status: { lastScheduleTime: iso(NOW), lastSuccessfulTime: done.status.completionTime },
          requeueAt: NOW + 5 * MIN,
        },
      },
      {
        situation: 'a listed Job went missing: MissingJob, off the list',
        cj: cronJob({}, { lastScheduleTime: iso(NOW), active: [ref(previous)] }),
        now: NOW + MIN,
        want: {
          actions: [event('Normal', 'MissingJob', `Active job went missing: ${previous.metadata.name}`)],
          status: { lastScheduleTime: iso(NOW) },
          requeueAt: NOW + 5 * MIN,
        },
      },
      {
        situation: 'history limits: the oldest finished Jobs beyond 3 succeeded and 1 failed go',
        cj: cronJob({}, { lastScheduleTime: iso(NOW) }),
        jobs: [
          aCronJobJob(CREATED + 5 * MIN, 'Complete'),
          aCronJobJob(CREATED + 10 * MIN, 'Complete'),
          aCronJobJob(CREATED + 15 * MIN, 'Complete'),
          aCronJobJob(CREATED + 20 * MIN, 'Complete'),
          aCronJobJob(CREATED + 25 * MIN, 'Failed'),
          aCronJobJob(CREATED + 30 * MIN, 'Failed'),
        ],
        now: NOW + MIN,
        want: {
          actions: [
            deleteJob(aCronJobJob(CREATED + 5 * MIN), 'history limit'),
            deleteJob(aCronJobJob(CREATED + 25 * MIN), 'history limit'),
          ],
          status: { lastScheduleTime: iso(NOW), lastSuccessfulTime: iso(CREATED + 20 * MIN + 30_000) },
          requeueAt: NOW + 5 * MIN,
        },
      },
    ]);
  });

  it('makes the Job from the template: name, owner, labels, the scheduled-timestamp annotation', () => {
    const cj = cronJob({
      jobTemplate: { metadata: { labels: { app: 'hello' } }, spec: aCronJob().spec.jobTemplate.spec },
    });
    const job = jobFor(cj, NOW, new Schedule('*/5 * * * *', 'Asia/Kolkata'));
    expect(job.metadata).to.deep.include({
      name: `hello-${NOW / MIN}`,
      labels: { app: 'hello' },
      annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T06:30:00+05:30' },
      ownerReferences: [
        {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          name: 'hello',
          uid: 'cj-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(job.spec).to.deep.equal(cj.spec.jobTemplate.spec);
  });
});

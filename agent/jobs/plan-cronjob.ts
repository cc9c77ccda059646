// planCronJob: a CronJob and the Jobs it controls -> the actions of one sync and its next status. Pure: the
// time comes in. It follows upstream's CronJob controller (v2 syncCronJob): the active list follows the
// Jobs, finished Jobs beyond the history limits go, and at the most recent unmet scheduled time (not older
// than startingDeadlineSeconds) a Job `<cronjob>-<minutes since the epoch>` is created, as
// concurrencyPolicy allows.
import { isoTime } from '../clock';
import {
  BATCH_API_VERSION,
  type CronJob,
  type CronJobStatus,
  type Job,
  type ObjectReference,
  type OwnerReference,
  SCHEDULED_TIMESTAMP,
  controllerRef,
  jobFinished,
} from '../model/job';
import { Schedule } from './cron-schedule';

export type CronJobAction =
  /** SuccessfulCreate; the Job joins the active list once the store has it. */
  | { type: 'createJob'; job: JobBody; reason: string }
  /** SuccessfulDelete (`Deleted job <name>`). */
  | { type: 'deleteJob'; name: string; reason: string }
  | { type: 'event'; eventType: 'Normal' | 'Warning'; reason: string; message: string };

export interface CronJobPlan {
  actions: CronJobAction[];
  status: CronJobStatus;
  /** The next scheduled time: sync again then. */
  requeueAt?: number;
}

/** Upstream gives up counting missed start times past this many (TooManyMissedTimes). */
const MAX_MISSED = 100;

export const refOf = (job: Job): ObjectReference => ({
  apiVersion: BATCH_API_VERSION,
  kind: 'Job',
  name: job.metadata.name,
  namespace: job.metadata.namespace,
  uid: job.metadata.uid,
  resourceVersion: job.metadata.resourceVersion,
});

/** RFC 1123 with a numeric zone, in UTC, as Go's time.RFC1123Z. */
const rfc1123z = (ms: number): string => new Date(ms).toUTCString().replace('GMT', '+0000');

/** A Job as the CronJob asks the server to create it (the server fills uid, timestamps and defaults). */
export interface JobBody {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences: OwnerReference[];
  };
  spec: Job['spec'];
}

/** The Job a CronJob makes for a scheduled time. */
export function jobFor(cj: CronJob, scheduled: number, schedule: Schedule): JobBody {
  const t = cj.spec.jobTemplate;
  return {
    apiVersion: BATCH_API_VERSION,
    kind: 'Job',
    metadata: {
      name: `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`,
      namespace: cj.metadata.namespace,
      labels: { ...t.metadata?.labels },
      annotations: { ...t.metadata?.annotations, [SCHEDULED_TIMESTAMP]: schedule.format(scheduled) },
      ownerReferences: [controllerRef(cj)],
    },
    spec: structuredClone(t.spec),
  };
}

class CronJobPlanner {
  readonly actions: CronJobAction[] = [];
  readonly status: CronJobStatus;
  requeueAt: number | undefined;

  constructor(
    readonly cj: CronJob,
    readonly jobs: readonly Job[],
    readonly now: number,
  ) {
    this.status = structuredClone(cj.status);
  }

  private event(eventType: 'Normal' | 'Warning', reason: string, message: string): void {
    this.actions.push({ type: 'event', eventType, reason, message });
  }

  plan(): CronJobPlan {
    if (this.cj.metadata.deletionTimestamp === undefined) {
      this.followJobs();
      this.cleanUp();
      if (this.cj.spec.suspend !== true) this.schedule();
    }
    return {
      actions: this.actions,
      status: this.status,
      ...(this.requeueAt !== undefined ? { requeueAt: this.requeueAt } : {}),
    };
  }

  /** The active list follows the Jobs: finished ones leave it (SawCompletedJob), missing ones too. */
  private followJobs(): void {
    const s = this.status;
    const listed = new Map((s.active ?? []).map((r) => [r.uid, r]));
    const active: ObjectReference[] = [];
    for (const job of this.jobs) {
      const done = jobFinished(job);
      if (!done) {
        if (!listed.has(job.metadata.uid) && !this.createdByUs(job))
          this.event(
            'Warning',
            'UnexpectedJob',
            `Saw a job that the controller did not create or forgot: ${job.metadata.name}`,
          );
        active.push(listed.get(job.metadata.uid) ?? refOf(job)); // a listed Job keeps the reference made at create
        continue;
      }
      if (listed.has(job.metadata.uid))
        this.event(
          'Normal',
          'SawCompletedJob',
          `Saw completed job: ${job.metadata.name}, condition: ${done.type}`,
        );
      const ended = job.status.completionTime;
      if (done.type === 'Complete' && ended && (!s.lastSuccessfulTime || ended > s.lastSuccessfulTime))
        s.lastSuccessfulTime = ended;
    }
    const present = new Set(this.jobs.map((j) => j.metadata.uid));
    for (const r of s.active ?? [])
      if (!present.has(r.uid)) this.event('Normal', 'MissingJob', `Active job went missing: ${r.name}`);
    if (active.length) s.active = active;
    else delete s.active;
  }

  /** A Job of ours not yet in the list because we just made it (its name is a scheduled time we recorded). */
  private createdByUs(job: Job): boolean {
    const last = Date.parse(this.status.lastScheduleTime ?? '');
    return job.metadata.name === `${this.cj.metadata.name}-${Math.floor(last / 60_000)}`;
  }

  /** successfulJobsHistoryLimit / failedJobsHistoryLimit: the oldest finished Jobs beyond them go. */
  private cleanUp(): void {
    const { successfulJobsHistoryLimit: ok, failedJobsHistoryLimit: failed } = this.cj.spec;
    const finished = this.jobs.filter((j) => jobFinished(j));
    const started = (j: Job): string => j.status.startTime ?? j.metadata.creationTimestamp;
    const prune = (jobs: Job[], limit: number | undefined): void => {
      if (limit === undefined) return;
      const oldest = [...jobs].sort((a, b) => started(a).localeCompare(started(b)));
      for (const j of oldest.slice(0, Math.max(0, jobs.length - limit)))
        this.actions.push({ type: 'deleteJob', name: j.metadata.name, reason: 'history limit' });
    };
    prune(
      finished.filter((j) => jobFinished(j)?.type === 'Complete'),
      ok,
    );
    prune(
      finished.filter((j) => jobFinished(j)?.type === 'Failed'),
      failed,
    );
  }

  private schedule(): void {
    const spec = this.cj.spec;
    let schedule: Schedule;
    try {
      schedule = new Schedule(spec.schedule, spec.timeZone);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (spec.timeZone !== undefined && why.includes('time zone'))
        this.event('Warning', 'UnknownTimeZone', `invalid timeZone: "${spec.timeZone}": ${why}`);
      else this.event('Warning', 'UnparseableSchedule', `unparseable schedule: "${spec.schedule}" : ${why}`);
      return;
    }
    const due = this.dueTime(schedule);
    if (due !== undefined) this.start(due, schedule);
    const anchor = Date.parse(this.status.lastScheduleTime ?? this.cj.metadata.creationTimestamp);
    const next = schedule.nextSince(anchor, this.now);
    if (next !== undefined) this.requeueAt = next;
  }

  /** The most recent unmet scheduled time, unless it is too late to start (MissSchedule). */
  private dueTime(schedule: Schedule): number | undefined {
    const s = this.status;
    const sds = this.cj.spec.startingDeadlineSeconds;
    let earliest = Date.parse(s.lastScheduleTime ?? this.cj.metadata.creationTimestamp);
    if (sds !== undefined) earliest = Math.max(earliest, this.now - sds * 1000);
    const { count, latest } = schedule.missed(earliest, this.now, MAX_MISSED + 1);
    if (latest === undefined) return undefined;
    if (count > MAX_MISSED)
      this.event(
        'Warning',
        'TooManyMissedTimes',
        `too many missed start times: ${count}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`,
      );
    if (sds !== undefined && latest + sds * 1000 < this.now) {
      this.event('Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(latest)}`);
      return undefined;
    }
    return latest;
  }

  private start(due: number, schedule: Schedule): void {
    const s = this.status;
    const job = jobFor(this.cj, due, schedule);
    const exists = this.jobs.some((j) => j.metadata.name === job.metadata.name);
    if (exists || s.lastScheduleTime === isoTime(due)) return; // this time has been processed
    const active = s.active ?? [];
    const policy = this.cj.spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active.length > 0) {
      this.event(
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
      );
      return;
    }
    if (policy === 'Replace') {
      for (const r of active)
        this.actions.push({ type: 'deleteJob', name: r.name, reason: 'concurrencyPolicy Replace' });
      delete s.active;
    }
    this.actions.push({ type: 'createJob', job, reason: `scheduled at ${isoTime(due)}` });
    s.lastScheduleTime = isoTime(due);
  }
}

export function planCronJob(cj: CronJob, jobs: readonly Job[], now: number): CronJobPlan {
  return new CronJobPlanner(cj, jobs, now).plan();
}

// planJob: a Job and the pods it controls -> the actions of one sync and the Job's next status. Pure: no I/O,
// no clock (now comes in). It follows upstream's Job controller (syncJob, manageJob): finished pods are
// counted once (their tracking finalizer goes), failures past backoffLimit or a passed activeDeadlineSeconds
// fail the Job (FailureTarget, then Failed once no pod is left running), reaching the completions completes
// it (SuccessCriteriaMet, then Complete), and otherwise pods are created or deleted toward parallelism,
// with failed pods retried after 10 s doubling up to 10 min. podFailurePolicy decides what a failed pod
// means (pod-failure-policy.ts); Indexed Jobs may fail an index for good (backoffLimitPerIndex, FailIndex;
// maxFailedIndexes) and succeed early (successPolicy).
import { isoTime } from '../clock';
import {
  type Job,
  type JobCondition,
  type JobConditionType,
  type JobStatus,
  jobFinished,
  trueCondition,
} from '../model/job';
import type { Pod } from '../model/pod';
import { formatIndexes, parseIndexes } from './indexes';
import { type JobPod, isActive, isFinished, jobPod } from './job-pods';
import { matchPodFailurePolicy } from './pod-failure-policy';

export type JobAction =
  /** A new pod from the template (with its completion index for Indexed Jobs): SuccessfulCreate. */
  | { type: 'createPod'; index?: number; indexFailures?: number; reason: string }
  /** SuccessfulDelete. */
  | { type: 'deletePod'; name: string; reason: string }
  /** The pod's end is in the counters now: drop its tracking finalizer. */
  | { type: 'countPod'; name: string }
  | { type: 'event'; eventType: 'Normal' | 'Warning'; reason: string; message: string }
  /** ttlSecondsAfterFinished ran out. */
  | { type: 'deleteJob'; reason: string };

export interface JobPlan {
  actions: JobAction[];
  status: JobStatus;
  /** Sync again then (a retry after back-off, the deadline, the TTL). */
  requeueAt?: number;
}

/** Upstream's DefaultJobPodFailureBackOff and MaxJobPodFailureBackOff. */
export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 600_000;

const SUCCESS = { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
const BACKOFF_EXCEEDED = {
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
};
const DEADLINE_EXCEEDED = {
  reason: 'DeadlineExceeded',
  message: 'Job was active longer than specified deadline',
};
const MAX_FAILED_INDEXES_EXCEEDED = {
  reason: 'MaxFailedIndexesExceeded',
  message: 'Job has exceeded the specified maximal number of failed indexes',
};
const FAILED_INDEXES = { reason: 'FailedIndexes', message: 'Job has failed indexes' };
type Outcome = typeof SUCCESS;

class JobPlanner {
  readonly actions: JobAction[] = [];
  readonly status: JobStatus;
  private requeueAt: number | undefined;
  private readonly completed: Set<number>;
  /** backoffLimitPerIndex: indexes failed for good. */
  private readonly failedIndexes: Set<number>;
  private active: JobPod[];
  private created = 0;
  private deleted = 0;

  constructor(
    readonly job: Job,
    readonly pods: JobPod[],
    readonly now: number,
    private readonly backoffMs: number,
  ) {
    this.status = structuredClone(job.status);
    this.completed = parseIndexes(job.status.completedIndexes);
    this.failedIndexes = parseIndexes(job.status.failedIndexes);
    this.active = pods.filter(isActive);
  }

  private get indexed(): boolean {
    return this.job.spec.completionMode === 'Indexed';
  }

  private get completions(): number | undefined {
    return this.job.spec.completions;
  }

  private get perIndex(): boolean {
    return this.indexed && this.job.spec.backoffLimitPerIndex !== undefined;
  }

  private policy(p: JobPod) {
    return matchPodFailurePolicy(this.job.spec.podFailurePolicy, p, this.job.metadata.namespace);
  }

  /** backoffLimitPerIndex: the failures of an index so far (what its pods recorded, and their own). */
  private indexFailures(index: number): number {
    const own = this.pods.filter((p) => p.index === index);
    const failed = (p: JobPod): number => (p.phase === 'Failed' && this.policy(p).countFailed ? 1 : 0);
    return Math.max(0, ...own.map((p) => p.indexFailures + failed(p)));
  }

  requeue(at: number): void {
    this.requeueAt = this.requeueAt === undefined ? at : Math.min(this.requeueAt, at);
  }

  plan(): JobPlan {
    if (this.job.metadata.deletionTimestamp === undefined) {
      if (jobFinished(this.job)) this.afterFinish();
      else this.sync();
    }
    return {
      actions: this.actions,
      status: this.status,
      ...(this.requeueAt !== undefined ? { requeueAt: this.requeueAt } : {}),
    };
  }

  private sync(): void {
    this.count();
    if (this.job.spec.suspend === true) this.suspend();
    else this.run();
    this.counters();
  }

  /** Finished pods still carrying the tracking finalizer go into succeeded / failed / completedIndexes. */
  private count(): void {
    const total = this.completions ?? Infinity;
    for (const p of this.pods) {
      if (!p.uncounted || !isFinished(p)) continue;
      this.actions.push({ type: 'countPod', name: p.name });
      if (p.phase === 'Failed') this.countFailure(p, total);
      else if (!this.indexed) this.status.succeeded = (this.status.succeeded ?? 0) + 1;
      else if (p.index !== undefined && p.index < total) this.completed.add(p.index);
    }
    if (this.indexed && this.completed.size > 0) {
      this.status.succeeded = this.completed.size;
      this.status.completedIndexes = formatIndexes(this.completed);
    }
    if (this.perIndex) this.status.failedIndexes = formatIndexes(this.failedIndexes);
  }

  /** A failed pod: counted unless the policy ignores it; its index failed by FailIndex or past the limit. */
  private countFailure(p: JobPod, total: number): void {
    const match = this.policy(p);
    if (match.countFailed) this.status.failed = (this.status.failed ?? 0) + 1;
    const i = p.index;
    if (!this.perIndex || i === undefined || i >= total || this.completed.has(i)) return;
    const limit = this.job.spec.backoffLimitPerIndex ?? 0;
    if (match.action === 'FailIndex' || (match.countFailed && this.indexFailures(i) > limit))
      this.failedIndexes.add(i);
  }

  private suspend(): void {
    this.removePods(this.active, 'job suspended');
    if (this.setCondition('Suspended', 'True', 'JobSuspended', 'Job suspended'))
      this.event('Normal', 'Suspended', 'Job suspended');
  }

  private run(): void {
    const s = this.status;
    if (this.setCondition('Suspended', 'False', 'JobResumed', 'Job resumed')) {
      this.event('Normal', 'Resumed', 'Job resumed');
      s.startTime = isoTime(this.now); // the deadline counts from the resume
    }
    s.startTime ??= isoTime(this.now);
    const met = trueCondition(s, 'SuccessCriteriaMet');
    if (met) return this.finish('Complete', met);
    const target = trueCondition(s, 'FailureTarget');
    if (target) return this.finish('Failed', target);
    const failure = this.policyFailure() ?? this.failure() ?? this.indexesFailure();
    if (failure) return this.finish('Failed', failure);
    const success = this.successPolicy();
    if (success) return this.finish('Complete', success);
    if (this.succeededEnough()) return this.finish('Complete', SUCCESS);
    if (this.indexed) this.manageIndexed();
    else this.manage();
  }

  private failure(): Outcome | undefined {
    const limit = this.job.spec.backoffLimit ?? 6;
    if ((this.status.failed ?? 0) > limit || this.pastBackoffLimitOnFailure(limit)) return BACKOFF_EXCEEDED;
    const ads = this.job.spec.activeDeadlineSeconds;
    const started = Date.parse(this.status.startTime ?? '');
    if (ads === undefined || Number.isNaN(started)) return undefined;
    const deadline = started + ads * 1000;
    if (this.now >= deadline) return DEADLINE_EXCEEDED;
    this.requeue(deadline);
    return undefined;
  }

  /** podFailurePolicy: a failed pod matching a FailJob rule fails the Job (reason PodFailurePolicy). */
  private policyFailure(): Outcome | undefined {
    if (!this.job.spec.podFailurePolicy) return undefined;
    for (const p of this.pods) {
      if (p.phase !== 'Failed') continue;
      const { message } = this.policy(p);
      if (message !== undefined) return { reason: 'PodFailurePolicy', message };
    }
    return undefined;
  }

  /** backoffLimitPerIndex: more failed indexes than maxFailedIndexes, or every index finished, some failed. */
  private indexesFailure(): Outcome | undefined {
    if (!this.perIndex) return undefined;
    const failed = this.failedIndexes.size;
    const max = this.job.spec.maxFailedIndexes;
    if (max !== undefined && failed > max) return MAX_FAILED_INDEXES_EXCEEDED;
    if (failed > 0 && failed + this.completed.size >= (this.completions ?? 1)) return FAILED_INDEXES;
    return undefined;
  }

  /** successPolicy (Indexed): the first rule whose indexes or count have succeeded (upstream's matchSuccessPolicy). */
  private successPolicy(): Outcome | undefined {
    const rules = this.job.spec.successPolicy?.rules;
    if (!rules || !this.indexed || this.completed.size === 0) return undefined;
    const total = this.completions ?? 1;
    for (const [i, rule] of rules.entries()) {
      let met: boolean;
      if (rule.succeededIndexes !== undefined) {
        const required = [...parseIndexes(rule.succeededIndexes)].filter((x) => x < total);
        if (required.length === 0) continue;
        const done = required.filter((x) => this.completed.has(x)).length;
        met = rule.succeededCount === undefined ? done === required.length : done >= rule.succeededCount;
      } else met = rule.succeededCount !== undefined && this.completed.size >= rule.succeededCount;
      if (met) return { reason: 'SuccessPolicy', message: `Matched rules at index ${i}` };
    }
    return undefined;
  }

  /** restartPolicy OnFailure: the kubelet restarts containers, so their restarts are the Job's failures. */
  private pastBackoffLimitOnFailure(limit: number): boolean {
    if (this.job.spec.template.spec.restartPolicy !== 'OnFailure') return false;
    const restarts = this.active.reduce((n, p) => n + p.restarts, 0);
    return limit === 0 ? restarts > 0 : restarts >= limit;
  }

  private succeededEnough(): boolean {
    const succeeded = this.status.succeeded ?? 0;
    const total = this.completions;
    return total === undefined ? succeeded > 0 && this.active.length === 0 : succeeded >= total;
  }

  /**
   * The interim condition (FailureTarget / SuccessCriteriaMet) at once, running pods deleted, and the
   * final one (Failed / Complete) once no pod of the Job is left running or terminating.
   */
  private finish(type: 'Complete' | 'Failed', o: Outcome): void {
    const interim = type === 'Complete' ? 'SuccessCriteriaMet' : 'FailureTarget';
    this.setCondition(interim, 'True', o.reason, o.message);
    this.removePods(this.active, type === 'Complete' ? 'job complete' : o.reason);
    if (this.pods.some((p) => p.terminating) || this.deleted > 0) return;
    this.setCondition(type, 'True', o.reason, o.message);
    if (type === 'Complete') {
      this.status.completionTime = isoTime(this.now);
      this.event('Normal', 'Completed', 'Job completed');
    } else this.event('Warning', o.reason, o.message);
    this.expireAfter(this.now);
  }

  /** NonIndexed: parallelism pods at once, no more than the completions still missing. */
  private manage(): void {
    const parallelism = this.job.spec.parallelism ?? 1;
    const succeeded = this.status.succeeded ?? 0;
    const total = this.completions;
    let want: number;
    if (total !== undefined) want = Math.max(0, Math.min(total - succeeded, parallelism));
    else want = succeeded > 0 ? this.active.length : parallelism;
    const excess = this.active.length - want;
    if (excess > 0) this.removePods(removalOrder(this.active).slice(0, excess), 'too many active pods');
    else this.create(Array.from({ length: -excess }, () => undefined));
  }

  /** Indexed: one pod per index not yet completed, lowest first, parallelism at once. */
  private manageIndexed(): void {
    const total = this.completions ?? 1;
    const seen = new Set<number>();
    const stray: JobPod[] = [];
    for (const p of [...this.active].sort((a, b) => a.createdAt - b.createdAt)) {
      const i = p.index;
      const done = i !== undefined && (this.completed.has(i) || this.failedIndexes.has(i));
      if (i === undefined || i >= total || done || seen.has(i)) stray.push(p);
      else seen.add(i);
    }
    this.removePods(stray, 'index not wanted');
    const failed = [...this.failedIndexes].filter((i) => i < total && !this.completed.has(i)).length;
    const want = Math.min(total - this.completed.size - failed, this.job.spec.parallelism ?? 1);
    const running = this.active.filter((p) => p.index !== undefined && seen.has(p.index));
    const excess = running.length - want;
    if (excess > 0) {
      const byIndex = [...running].sort((a, b) => (b.index ?? 0) - (a.index ?? 0));
      this.removePods(byIndex.slice(0, excess), 'too many active pods');
      return;
    }
    const pending: number[] = [];
    for (let i = 0; i < total && pending.length < -excess; i++)
      if (!this.completed.has(i) && !this.failedIndexes.has(i) && !seen.has(i)) pending.push(i);
    this.create(pending);
  }

  /** Creates pods now, or after the failure back-off. */
  private create(indexes: (number | undefined)[]): void {
    if (indexes.length === 0) return;
    const retryAt = this.backoffUntil();
    if (retryAt !== undefined && retryAt > this.now) {
      this.requeue(retryAt);
      return;
    }
    for (const index of indexes) {
      this.actions.push({
        type: 'createPod',
        ...(index !== undefined ? { index } : {}),
        ...(index !== undefined && this.perIndex ? { indexFailures: this.indexFailures(index) } : {}),
        reason: 'too few active pods',
      });
      this.created++;
    }
  }

  /** Upstream's backoffRecord: 10 s * 2^(failures since the last success - 1), capped, from the last failure. */
  private backoffUntil(): number | undefined {
    const lastSuccess = Math.max(
      -Infinity,
      ...this.pods.filter((p) => p.phase === 'Succeeded').map((p) => p.finishedAt),
    );
    // A failure in the same second as the last success counts as after it (timestamps have seconds).
    const failures = this.pods.filter((p) => p.phase === 'Failed' && p.finishedAt >= lastSuccess);
    if (failures.length === 0) return undefined;
    const delay = Math.min(this.backoffMs * 2 ** (failures.length - 1), MAX_POD_FAILURE_BACKOFF_MS);
    return Math.max(...failures.map((p) => p.finishedAt)) + delay;
  }

  private removePods(pods: JobPod[], reason: string): void {
    for (const p of pods) {
      this.actions.push({ type: 'deletePod', name: p.name, reason });
      this.deleted++;
    }
    const gone = new Set(pods.map((p) => p.name));
    this.active = this.active.filter((p) => !gone.has(p.name));
  }

  private counters(): void {
    const s = this.status;
    const observedActive = this.pods.filter(isActive);
    setCount(s, 'active', this.active.length + this.created);
    s.ready = observedActive.filter((p) => p.ready && this.active.includes(p)).length;
    s.terminating = this.pods.filter((p) => p.terminating).length + this.deleted;
    s.uncountedTerminatedPods ??= {};
  }

  /** A finished Job: count what is left, then ttlSecondsAfterFinished. */
  private afterFinish(): void {
    for (const p of this.pods) if (p.uncounted) this.actions.push({ type: 'countPod', name: p.name });
    const finished = jobFinished(this.job);
    const at = Date.parse(this.status.completionTime ?? finished?.lastTransitionTime ?? '');
    if (!Number.isNaN(at)) this.expireAfter(at);
  }

  private expireAfter(finishedAt: number): void {
    const ttl = this.job.spec.ttlSecondsAfterFinished;
    if (ttl === undefined) return;
    const expiry = finishedAt + ttl * 1000;
    if (this.now >= expiry) this.actions.push({ type: 'deleteJob', reason: 'ttlSecondsAfterFinished' });
    else this.requeue(expiry);
  }

  /**
   * Sets a condition (upstream's ensureJobConditionStatus): a new True one is added; an existing one of
   * another status is changed; a False one is never added. Returns whether anything changed.
   */
  private setCondition(
    type: JobConditionType,
    status: 'True' | 'False',
    reason: string,
    message: string,
  ): boolean {
    const existing = this.status.conditions?.find((c) => c.type === type);
    const t = isoTime(this.now);
    if (existing) {
      if (existing.status === status) return false;
      Object.assign(existing, { status, reason, message, lastProbeTime: t, lastTransitionTime: t });
      return true;
    }
    if (status === 'False') return false;
    const c: JobCondition = { type, status, lastProbeTime: t, lastTransitionTime: t, reason, message };
    (this.status.conditions ??= []).push(c);
    return true;
  }

  private event(eventType: 'Normal' | 'Warning', reason: string, message: string): void {
    this.actions.push({ type: 'event', eventType, reason, message });
  }
}

/** Upstream omits zero counters (omitempty). */
function setCount(s: JobStatus, key: 'active', n: number): void {
  if (n > 0) s[key] = n;
  else delete s[key];
}

/** Which active pods go first when there are too many: not ready, then the newest. */
const removalOrder = (pods: JobPod[]): JobPod[] =>
  [...pods].sort((a, b) => Number(a.ready) - Number(b.ready) || b.createdAt - a.createdAt);

/** `backoffMs`: the first retry delay (upstream's 10 s; tests shorten it, as the kubelet's back-off). */
export function planJob(
  job: Job,
  pods: readonly Pod[],
  now: number,
  backoffMs = POD_FAILURE_BACKOFF_MS,
): JobPlan {
  return new JobPlanner(job, pods.map(jobPod), now, backoffMs).plan();
}

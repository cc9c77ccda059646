// batch/v1 Job and CronJob as the API stores them: the fields the controllers act on. Unknown fields are kept.
import type { ObjectMeta } from './meta';
import type { PodFailurePolicy } from '../jobs/pod-failure-policy';
import type { PodSpec } from './pod';

export const BATCH_API_VERSION = 'batch/v1';

/** The labels and annotations upstream's Job controller puts on its pods. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';
export const CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';
/** On each pod until the controller has counted it (upstream's job-tracking finalizer). */
export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** On each Job a CronJob creates: the scheduled time, RFC 3339 in the CronJob's time zone. */
export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec: PodSpec;
}

export interface JobSpec {
  template: PodTemplate;
  completions?: number;
  parallelism?: number;
  backoffLimit?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  completionMode?: 'NonIndexed' | 'Indexed';
  suspend?: boolean;
  selector?: LabelSelector;
  manualSelector?: boolean;
  podFailurePolicy?: PodFailurePolicy;
  successPolicy?: SuccessPolicy;
  backoffLimitPerIndex?: number;
  maxFailedIndexes?: number;
  [extra: string]: unknown;
}

export interface SuccessPolicy {
  rules: { succeededIndexes?: string; succeededCount?: number }[];
}

export type JobConditionType = 'Complete' | 'Failed' | 'Suspended' | 'FailureTarget' | 'SuccessCriteriaMet';

export interface JobCondition {
  type: JobConditionType;
  status: 'True' | 'False';
  lastProbeTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  terminating?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  /** backoffLimitPerIndex: the indexes that failed for good. */
  failedIndexes?: string;
  conditions?: JobCondition[];
  uncountedTerminatedPods?: Record<string, never>;
  [extra: string]: unknown;
}

export interface Job {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: ObjectMeta;
  spec: JobSpec;
  status: JobStatus;
}

export interface JobTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec: JobSpec;
}

export interface CronJobSpec {
  schedule: string;
  timeZone?: string;
  startingDeadlineSeconds?: number;
  concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
  suspend?: boolean;
  successfulJobsHistoryLimit?: number;
  failedJobsHistoryLimit?: number;
  jobTemplate: JobTemplate;
  [extra: string]: unknown;
}

export interface ObjectReference {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
  resourceVersion?: string;
}

export interface CronJobStatus {
  active?: ObjectReference[];
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
  [extra: string]: unknown;
}

export interface CronJob {
  apiVersion: 'batch/v1';
  kind: 'CronJob';
  metadata: ObjectMeta;
  spec: CronJobSpec;
  status: CronJobStatus;
}

/** The controller reference of an object, if any. */
export function controllerOf(meta: ObjectMeta): OwnerReference | undefined {
  const refs = meta['ownerReferences'];
  if (!Array.isArray(refs)) return undefined;
  return (refs as OwnerReference[]).find((r) => r.controller === true);
}

export const ownedBy = (meta: ObjectMeta, ownerUid: string): boolean => controllerOf(meta)?.uid === ownerUid;

export function controllerRef(owner: {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}): OwnerReference {
  const m = owner.metadata;
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: m.name,
    uid: m.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The condition of a type when it is True. */
export const trueCondition = (status: JobStatus, type: JobConditionType): JobCondition | undefined =>
  status.conditions?.find((c) => c.type === type && c.status === 'True');

/** Complete or Failed: the Job is done. */
export const jobFinished = (job: Job): JobCondition | undefined =>
  trueCondition(job.status, 'Complete') ?? trueCondition(job.status, 'Failed');

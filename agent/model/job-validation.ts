// Job and CronJob defaults (pkg/apis/batch/v1 defaults.go) and validation (pkg/apis/batch/validation), with
// upstream's field paths and words. The pod template is checked by the Pod's own validation, its paths moved
// under spec.template (spec.jobTemplate.spec.template for a CronJob).
import { scheduleError, timeZoneError } from '../jobs/cron-schedule';
import { type FieldError, fieldError } from './field-errors';
import { validateJobPolicies } from './job-policy-validation';
import type { CronJob, Job, JobSpec } from './job';
import { validateMetadataMaps, validateObjectName } from './meta-validation';
import { dns1123LabelProblems, dns1123SubdomainProblems } from './names';
import type { Pod } from './pod';
import { applyPodDefaults } from './pod-defaults';
import { validatePod } from './pod-validation';

export function applyJobSpecDefaults(spec: JobSpec): void {
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  spec.parallelism ??= 1;
  // With backoffLimitPerIndex the per-index limit rules, so the global one is upstream's MaxInt32.
  spec.backoffLimit ??= spec.backoffLimitPerIndex !== undefined ? 2147483647 : 6;
  for (const rule of spec.podFailurePolicy?.rules ?? [])
    for (const pattern of rule.onPodConditions ?? []) pattern.status ??= 'True';
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  spec['podReplacementPolicy'] ??= 'TerminatingOrFailed';
  const pod = { metadata: {}, spec: spec.template.spec } as unknown as Pod;
  applyPodDefaults(pod);
}

export function applyCronJobDefaults(cj: CronJob): void {
  const spec = cj.spec;
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  applyJobSpecDefaults(spec.jobTemplate.spec);
}

const nonNegative = (value: number | undefined, field: string, out: FieldError[]): void => {
  if (value !== undefined && value < 0)
    out.push(fieldError('Invalid', field, value, 'must be greater than or equal to 0'));
};

const positive = (value: number | undefined, field: string, out: FieldError[]): void => {
  if (value !== undefined && value <= 0)
    out.push(fieldError('Invalid', field, value, 'must be greater than 0'));
};

/** The template through the Pod's validation, its paths moved under `at` (`spec.template`). */
function validateTemplate(spec: JobSpec, at: string, out: FieldError[]): void {
  const t = spec.template;
  const pod = {
    metadata: { name: 'template', namespace: 'default', ...t.metadata },
    spec: t.spec,
  } as unknown as Pod;
  for (const e of validatePod(pod)) {
    if (e.field === 'metadata.name' || e.field === 'metadata.namespace') continue;
    out.push({ ...e, field: e.field.replace(/^metadata\./, `${at}.`).replace(/^spec\./, `${at}.spec.`) });
  }
  const policy = t.spec.restartPolicy;
  if (policy !== 'OnFailure' && policy !== 'Never')
    out.push(
      fieldError(
        'NotSupported',
        `${at}.spec.restartPolicy`,
        policy,
        'supported values: "OnFailure", "Never"',
      ),
    );
}

export function validateJobSpec(spec: JobSpec, at: string, out: FieldError[]): void {
  nonNegative(spec.parallelism, `${at}.parallelism`, out);
  nonNegative(spec.completions, `${at}.completions`, out);
  nonNegative(spec.backoffLimit, `${at}.backoffLimit`, out);
  positive(spec.activeDeadlineSeconds, `${at}.activeDeadlineSeconds`, out);
  nonNegative(spec.ttlSecondsAfterFinished, `${at}.ttlSecondsAfterFinished`, out);
  const mode = spec.completionMode;
  if (mode !== 'NonIndexed' && mode !== 'Indexed')
    out.push(
      fieldError('NotSupported', `${at}.completionMode`, mode, 'supported values: "NonIndexed", "Indexed"'),
    );
  if (mode === 'Indexed' && spec.completions === undefined)
    out.push(fieldError('Required', `${at}.completions`, undefined, 'when completion mode is Indexed'));
  validateTemplate(spec, `${at}.template`, out);
  validateJobPolicies(spec, at, out);
}

/** A new Job; its selector is generated at create (the registry), so a given one needs manualSelector. */
export function validateJob(job: Job, given: { selector: boolean }): FieldError[] {
  const out: FieldError[] = [];
  validateObjectName(job.metadata.name, 'metadata.name', dns1123SubdomainProblems, out);
  validateObjectName(job.metadata.namespace, 'metadata.namespace', dns1123LabelProblems, out);
  validateMetadataMaps(job.metadata, out);
  if (given.selector && job.spec.manualSelector !== true)
    out.push(fieldError('Invalid', 'spec.selector', job.spec.selector, '`selector` not auto-generated'));
  validateJobSpec(job.spec, 'spec', out);
  return out;
}

/** The CronJob's name becomes its Jobs' names plus 11 characters, so it may have at most 52. */
const CRONJOB_NAME_MAX = 52;

export function validateCronJob(cj: CronJob): FieldError[] {
  const out: FieldError[] = [];
  const { name } = cj.metadata;
  validateObjectName(name, 'metadata.name', dns1123SubdomainProblems, out);
  if (typeof name === 'string' && name.length > CRONJOB_NAME_MAX)
    out.push(
      fieldError('Invalid', 'metadata.name', name, `must be no more than ${CRONJOB_NAME_MAX} characters`),
    );
  validateObjectName(cj.metadata.namespace, 'metadata.namespace', dns1123LabelProblems, out);
  validateMetadataMaps(cj.metadata, out);
  const spec = cj.spec;
  if (!spec.schedule) out.push(fieldError('Required', 'spec.schedule'));
  else {
    const why = scheduleError(spec.schedule);
    if (why) out.push(fieldError('Invalid', 'spec.schedule', spec.schedule, why));
  }
  if (spec.timeZone !== undefined) {
    const why = timeZoneError(spec.timeZone);
    if (why) out.push(fieldError('Invalid', 'spec.timeZone', spec.timeZone, why));
  }
  const policy = spec.concurrencyPolicy;
  if (policy !== 'Allow' && policy !== 'Forbid' && policy !== 'Replace')
    out.push(
      fieldError(
        'NotSupported',
        'spec.concurrencyPolicy',
        policy,
        'supported values: "Allow", "Forbid", "Replace"',
      ),
    );
  nonNegative(spec.startingDeadlineSeconds, 'spec.startingDeadlineSeconds', out);
  nonNegative(spec.successfulJobsHistoryLimit, 'spec.successfulJobsHistoryLimit', out);
  nonNegative(spec.failedJobsHistoryLimit, 'spec.failedJobsHistoryLimit', out);
  validateJobSpec(spec.jobTemplate.spec, 'spec.jobTemplate.spec', out);
  return out;
}

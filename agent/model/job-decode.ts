// From a request body to a defaulted, validated Job or CronJob (batch/v1), or a Status-ready error; and the
// update rules (ValidateJobUpdate: selector, template, completions and completionMode stay).
import { type FieldError, fieldError, invalidError } from './field-errors';
import { BATCH_V1 } from './group-version';
import {
  CONTROLLER_UID_LABEL,
  type CronJob,
  JOB_NAME_LABEL,
  type Job,
  LEGACY_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
} from './job';
import { applyCronJobDefaults, applyJobSpecDefaults, validateCronJob, validateJob } from './job-validation';
import { decodeObject } from './pod-decode';
import { checkBodyShape, isObject, kindShape, shapedCopy } from './shape';
import { withName } from './update-body';

const batchInvalid = (kind: string, name: string, errors: FieldError[]): Error =>
  invalidError(kind, name, errors, 'batch');

/** The name errors give: the body's, or `""` when it has none (as upstream words it). */
const nameOf = (o: { metadata: { name?: unknown } }): string =>
  typeof o.metadata.name === 'string' ? o.metadata.name : '';

/** Decoded and shape-checked (upstream's types), still without defaults. */
function decodeBatch<T>(raw: unknown, kind: 'Job' | 'CronJob', namespace: string): T {
  const obj = decodeObject(raw, kind, namespace, 'batch/v1');
  const name = nameOf(obj);
  const errors: FieldError[] = [];
  const shape = kindShape(kind, BATCH_V1);
  checkBodyShape(obj, shape, kind, BATCH_V1.version, errors);
  if (!isObject(obj.spec)) errors.push(fieldError('Required', 'spec'));
  if (errors.length) throw batchInvalid(kind, name, errors);
  const out = shapedCopy<T & { metadata: { resourceVersion?: string } }>({ ...obj, status: {} }, shape);
  delete out.metadata.resourceVersion;
  return out;
}

/** Where the template of a Job or CronJob must be (`spec.template` / `spec.jobTemplate.spec.template`). */
function requireTemplate(kind: string, name: string, spec: unknown, at: string): void {
  const template = isObject(spec) ? spec['template'] : undefined;
  if (!isObject(template) || !isObject(template['spec']))
    throw batchInvalid(kind, name, [fieldError('Required', `${at}.template.spec`)]);
  if (!Array.isArray(template['spec']['containers']))
    throw batchInvalid(kind, name, [fieldError('Required', `${at}.template.spec.containers`)]);
}

export function decodeJob(raw: unknown, namespace: string): Job {
  const job = decodeBatch<Job>(raw, 'Job', namespace);
  requireTemplate('Job', nameOf(job), job.spec, 'spec');
  applyJobSpecDefaults(job.spec);
  const errors = validateJob(job, { selector: job.spec.selector !== undefined });
  if (errors.length) throw batchInvalid('Job', nameOf(job), errors);
  return job;
}

/**
 * The selector and template labels the API server generates for a new Job (its uid is known then), unless
 * the Job asks for manualSelector.
 */
export function generateSelector(job: Job): void {
  if (job.spec.manualSelector === true) return;
  const { uid, name } = job.metadata;
  const t = job.spec.template;
  t.metadata = {
    ...t.metadata,
    labels: {
      ...t.metadata?.labels,
      [CONTROLLER_UID_LABEL]: uid,
      [JOB_NAME_LABEL]: name,
      [LEGACY_CONTROLLER_UID_LABEL]: uid,
      [LEGACY_JOB_NAME_LABEL]: name,
    },
  };
  job.spec.selector = { matchLabels: { [CONTROLLER_UID_LABEL]: uid } };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Keeps name, identity and status; refuses a change of what upstream makes immutable. */
function keepIdentity<T extends Job | CronJob>(old: T, next: T, kind: string): T {
  const m = old.metadata;
  if (next.metadata.name !== m.name)
    throw batchInvalid(kind, m.name, [
      fieldError('Invalid', 'metadata.name', next.metadata.name, 'field is immutable'),
    ]);
  const keep = { uid: m.uid, creationTimestamp: m.creationTimestamp, resourceVersion: m.resourceVersion };
  return { ...next, metadata: { ...next.metadata, ...keep }, status: old.status };
}

export function decodeJobUpdate(old: Job, raw: unknown): Job {
  const body = decodeBatch<Job>(withName(raw, old.metadata.name), 'Job', old.metadata.namespace);
  requireTemplate('Job', old.metadata.name, body.spec, 'spec');
  body.spec.selector ??= old.spec.selector;
  applyJobSpecDefaults(body.spec);
  const next = keepIdentity(old, body, 'Job');
  const errors = validateJob(next, { selector: false });
  for (const f of ['selector', 'template', 'completions', 'completionMode'] as const) {
    if (!same(next.spec[f], old.spec[f]))
      errors.push(fieldError('Invalid', `spec.${f}`, next.spec[f], 'field is immutable'));
  }
  if (errors.length) throw batchInvalid('Job', old.metadata.name, errors);
  return next;
}

export function decodeCronJob(raw: unknown, namespace: string): CronJob {
  const cj = decodeBatch<CronJob>(raw, 'CronJob', namespace);
  const jobTemplate = (cj.spec as { jobTemplate?: unknown }).jobTemplate;
  if (!isObject(jobTemplate) || !isObject(jobTemplate['spec']))
    throw batchInvalid('CronJob', nameOf(cj), [fieldError('Required', 'spec.jobTemplate.spec')]);
  requireTemplate('CronJob', nameOf(cj), jobTemplate['spec'], 'spec.jobTemplate.spec');
  applyCronJobDefaults(cj);
  const errors = validateCronJob(cj);
  if (errors.length) throw batchInvalid('CronJob', nameOf(cj), errors);
  return cj;
}

export function decodeCronJobUpdate(old: CronJob, raw: unknown): CronJob {
  const next = decodeCronJob(withName(raw, old.metadata.name), old.metadata.namespace);
  return keepIdentity(old, next, 'CronJob');
}

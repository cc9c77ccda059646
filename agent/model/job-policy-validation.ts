// Validation of a Job's failure and success policies (pkg/apis/batch/validation: validatePodFailurePolicy,
// validateSuccessPolicy, the backoffLimitPerIndex checks), with upstream's paths and words.
import { parseIndexes } from '../jobs/indexes';
import type { PodFailurePolicyRule } from '../jobs/pod-failure-policy';
import { type FieldError, fieldError } from './field-errors';
import type { JobSpec } from './job';
import { qualifiedNameProblems } from './meta-validation';

const ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const OPERATORS = ['In', 'NotIn'];
const STATUSES = ['False', 'True', 'Unknown'];
const MAX_RULES = 20;
const MAX_EXIT_CODES = 255;

const supported = (values: string[]): string => `supported values: ${values.map((v) => `"${v}"`).join(', ')}`;
const validValues = (values: string[]): string => `valid values: [${values.map((v) => `"${v}"`).join(' ')}]`;

function validateExitCodes(
  req: NonNullable<PodFailurePolicyRule['onExitCodes']>,
  at: string,
  containers: Set<string>,
  out: FieldError[],
): void {
  if (!req.operator) out.push(fieldError('Required', `${at}.operator`, undefined, validValues(OPERATORS)));
  else if (!OPERATORS.includes(req.operator))
    out.push(fieldError('NotSupported', `${at}.operator`, req.operator, supported(OPERATORS)));
  if (req.containerName !== undefined && !containers.has(req.containerName))
    out.push(
      fieldError(
        'Invalid',
        `${at}.containerName`,
        req.containerName,
        'must be one of the container or initContainer names in the pod template',
      ),
    );
  const values = req.values ?? [];
  if (values.length === 0)
    out.push(fieldError('Invalid', `${at}.values`, values, 'at least one value is required'));
  else if (values.length > MAX_EXIT_CODES)
    out.push(
      fieldError('TooMany', `${at}.values`, values.length, `must have at most ${MAX_EXIT_CODES} items`),
    );
  else {
    const seen = new Set<number>();
    values.forEach((v, j) => {
      if (req.operator === 'In' && v === 0)
        out.push(fieldError('Invalid', `${at}.values[${j}]`, v, 'must not be 0 for the In operator'));
      if (seen.has(v)) out.push(fieldError('Duplicate', `${at}.values[${j}]`, v));
      seen.add(v);
    });
    if (values.some((v, j) => j > 0 && (values[j - 1] as number) > v))
      out.push(fieldError('Invalid', `${at}.values`, values, 'must be ordered'));
  }
}

function validateRule(
  spec: JobSpec,
  rule: PodFailurePolicyRule,
  at: string,
  containers: Set<string>,
  out: FieldError[],
): void {
  const action = rule.action as string | undefined;
  if (!action) out.push(fieldError('Required', `${at}.action`, undefined, validValues(ACTIONS)));
  else if (action === 'FailIndex') {
    if (spec.backoffLimitPerIndex === undefined)
      out.push(fieldError('Invalid', `${at}.action`, action, 'requires the backoffLimitPerIndex to be set'));
  } else if (!ACTIONS.includes(action))
    out.push(fieldError('NotSupported', `${at}.action`, action, supported(ACTIONS)));
  if (rule.onExitCodes) validateExitCodes(rule.onExitCodes, `${at}.onExitCodes`, containers, out);
  const conditions = rule.onPodConditions ?? [];
  conditions.forEach((c, j) => {
    const p = `${at}.onPodConditions[${j}]`;
    for (const problem of qualifiedNameProblems(c.type ?? ''))
      out.push(fieldError('Invalid', `${p}.type`, c.type, problem));
    if (!c.status) out.push(fieldError('Required', `${p}.status`, undefined, validValues(STATUSES)));
    else if (!STATUSES.includes(c.status))
      out.push(fieldError('NotSupported', `${p}.status`, c.status, supported(STATUSES)));
  });
  if (rule.onExitCodes && conditions.length > 0)
    out.push(
      fieldError(
        'Invalid',
        at,
        undefined,
        'specifying both OnExitCodes and OnPodConditions is not supported',
      ),
    );
  if (!rule.onExitCodes && conditions.length === 0)
    out.push(
      fieldError('Invalid', at, undefined, 'specifying one of OnExitCodes and OnPodConditions is required'),
    );
}

function validatePodFailurePolicy(spec: JobSpec, at: string, out: FieldError[]): void {
  const rules = spec.podFailurePolicy?.rules ?? [];
  if (rules.length > MAX_RULES)
    out.push(
      fieldError(
        'TooMany',
        `${at}.podFailurePolicy.rules`,
        rules.length,
        `must have at most ${MAX_RULES} items`,
      ),
    );
  const t = spec.template.spec;
  const containers = new Set([...t.containers, ...(t.initContainers ?? [])].map((c) => c.name));
  rules.forEach((rule, i) => validateRule(spec, rule, `${at}.podFailurePolicy.rules[${i}]`, containers, out));
  const restart = t.restartPolicy;
  if (restart !== 'Never')
    out.push(
      fieldError(
        'Invalid',
        `${at}.template.spec.restartPolicy`,
        restart,
        'only "Never" is supported when podFailurePolicy is specified',
      ),
    );
}

/** Upstream's validateIndexesFormat: ascending, non-overlapping `a` or `a-b` within completions. */
function indexesFormatError(text: string, completions: number): string | undefined {
  let previous = -1;
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return `cannot parse integer index: ${JSON.stringify(part)}`;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to >= completions) return `too large index: ${JSON.stringify(part)}`;
    if (from > to) return `non-increasing order, previous: ${from}, current: ${to}`;
    if (from <= previous) return `overlapping indexes interval, previous: ${previous}, current: ${from}`;
    previous = to;
  }
  return undefined;
}

function validateSuccessPolicy(spec: JobSpec, at: string, out: FieldError[]): void {
  const policy = spec.successPolicy;
  if (!policy) return;
  const p = `${at}.successPolicy`;
  if (spec.completionMode !== 'Indexed') {
    out.push(fieldError('Invalid', p, policy, 'requires indexed completion mode'));
    return;
  }
  const rules = policy.rules ?? [];
  if (rules.length === 0)
    out.push(
      fieldError(
        'Required',
        `${p}.rules`,
        undefined,
        'at least one rules must be specified when the successPolicy is specified',
      ),
    );
  if (rules.length > MAX_RULES)
    out.push(fieldError('TooMany', `${p}.rules`, rules.length, `must have at most ${MAX_RULES} items`));
  const completions = spec.completions ?? 0;
  rules.forEach((rule, i) => {
    const r = `${p}.rules[${i}]`;
    let total = 0;
    if (rule.succeededIndexes !== undefined) {
      const why = indexesFormatError(rule.succeededIndexes, completions);
      if (why)
        out.push(
          fieldError(
            'Invalid',
            `${r}.succeededIndexes`,
            rule.succeededIndexes,
            `error parsing succeededIndexes: ${why}`,
          ),
        );
      total = parseIndexes(rule.succeededIndexes).size;
    }
    if (rule.succeededCount === undefined && rule.succeededIndexes === undefined)
      out.push(
        fieldError(
          'Required',
          r,
          undefined,
          'at least one of succeededCount or succeededIndexes must be specified',
        ),
      );
    const count = rule.succeededCount;
    if (count === undefined) return;
    if (count < 0)
      out.push(fieldError('Invalid', `${r}.succeededCount`, count, 'must be greater than or equal to 0'));
    if (count > completions)
      out.push(
        fieldError(
          'Invalid',
          `${r}.succeededCount`,
          count,
          `must be less than or equal to ${completions} (the number of specified completions)`,
        ),
      );
    if (rule.succeededIndexes !== undefined && count > total)
      out.push(
        fieldError(
          'Invalid',
          `${r}.succeededCount`,
          count,
          `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`,
        ),
      );
  });
}

function validatePerIndex(spec: JobSpec, at: string, out: FieldError[]): void {
  const perIndex = spec.backoffLimitPerIndex;
  const max = spec.maxFailedIndexes;
  if (perIndex !== undefined) {
    if (perIndex < 0)
      out.push(
        fieldError('Invalid', `${at}.backoffLimitPerIndex`, perIndex, 'must be greater than or equal to 0'),
      );
    if (spec.completionMode !== 'Indexed')
      out.push(
        fieldError('Invalid', `${at}.backoffLimitPerIndex`, perIndex, 'requires indexed completion mode'),
      );
  }
  if (max === undefined) return;
  if (perIndex === undefined)
    out.push(
      fieldError('Invalid', `${at}.maxFailedIndexes`, max, 'requires the backoffLimitPerIndex to be set'),
    );
  if (max < 0)
    out.push(fieldError('Invalid', `${at}.maxFailedIndexes`, max, 'must be greater than or equal to 0'));
  if (spec.completions !== undefined && max > spec.completions)
    out.push(
      fieldError('Invalid', `${at}.maxFailedIndexes`, max, 'must be less than or equal to completions'),
    );
}

export function validateJobPolicies(spec: JobSpec, at: string, out: FieldError[]): void {
  if (spec.podFailurePolicy) validatePodFailurePolicy(spec, at, out);
  validateSuccessPolicy(spec, at, out);
  validatePerIndex(spec, at, out);
}

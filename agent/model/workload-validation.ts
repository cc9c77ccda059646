// Defaults and validation of ReplicaSets and Deployments (pkg/apis/apps/v1/defaults.go and
// pkg/apis/apps/validation), worded as upstream words them; the pod template is checked as a pod is.
import { fieldError, type FieldError } from './field-errors';
import { isPercent } from './int-or-percent';
import { isEmptySelector, selectorMatches } from './label-selector';
import { validateLabelSelector } from './selector-validation';
import { validateMetadataMaps, validateObjectName } from './meta-validation';
import { dns1123SubdomainProblems } from './names';
import type { Pod } from './pod';
import { applyPodDefaults } from './pod-defaults';
import { validatePod } from './pod-validation';
import type {
  DaemonSet,
  Deployment,
  LabelSelector,
  PodTemplateSpec,
  ReplicaSet,
  StatefulSet,
} from './workload';

type Workload = ReplicaSet | Deployment | DaemonSet | StatefulSet;

/** The template as a pod, so the pod defaults and checks apply to it. */
const templatePod = (w: Workload): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...(w.spec.template.metadata ?? {}), name: 'template', namespace: w.metadata.namespace },
    spec: w.spec.template.spec,
    status: { phase: 'Pending' },
  }) as unknown as Pod;

export function applyReplicaSetDefaults(rs: ReplicaSet): void {
  rs.spec.replicas ??= 1;
  applyTemplateDefaults(rs);
  rs.status = { replicas: 0 };
}

export function applyDeploymentDefaults(d: Deployment): void {
  const spec = d.spec;
  spec.replicas ??= 1;
  spec.strategy ??= { type: 'RollingUpdate' };
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  applyTemplateDefaults(d);
  d.status = {};
}

export function applyTemplateDefaults(w: Workload): void {
  w.spec.template ??= { spec: { containers: [] } } as unknown as PodTemplateSpec;
  w.spec.template.spec ??= { containers: [] } as unknown as PodTemplateSpec['spec'];
  applyPodDefaults(templatePod(w));
}

function validateSelector(sel: LabelSelector | undefined, w: Workload, out: FieldError[]): void {
  if (!sel) {
    out.push(fieldError('Required', 'spec.selector'));
    return;
  }
  const readable = validateLabelSelector(sel, 'spec.selector', out);
  if (isEmptySelector(sel)) {
    out.push(fieldError('Invalid', 'spec.selector', sel, 'empty selector is invalid for deployment'));
    return;
  }
  // Upstream compares the template's labels only with a selector it could read.
  if (!readable) {
    out.push(fieldError('Invalid', 'spec.selector', sel, 'invalid label selector'));
    return;
  }
  const labels = w.spec.template.metadata?.labels ?? {};
  if (!selectorMatches(sel, labels)) {
    out.push(
      fieldError(
        'Invalid',
        'spec.template.metadata.labels',
        labels,
        '`selector` does not match template `labels`',
      ),
    );
  }
}

export function validateNonNegative(value: number | undefined, field: string, out: FieldError[]): void {
  if (value !== undefined && value < 0)
    out.push(fieldError('Invalid', field, value, 'must be greater than or equal to 0'));
}

/** The template's pod checks, under spec.template. */
function validateTemplate(w: Workload, out: FieldError[]): void {
  const errors = validatePod(templatePod(w)).filter((e) => e.field !== 'metadata.name');
  for (const e of errors) out.push({ ...e, field: `spec.template.${e.field}` });
  const policy = w.spec.template.spec.restartPolicy;
  if (policy !== 'Always')
    out.push(
      fieldError('NotSupported', 'spec.template.spec.restartPolicy', policy, 'supported values: "Always"'),
    );
}

export function validateCommon(w: Workload, out: FieldError[]): void {
  validateObjectName(w.metadata.name, 'metadata.name', dns1123SubdomainProblems, out);
  validateMetadataMaps(w.metadata, out);
  if ('replicas' in w.spec) validateNonNegative(w.spec.replicas, 'spec.replicas', out);
  validateNonNegative(w.spec.minReadySeconds, 'spec.minReadySeconds', out);
  validateSelector(w.spec.selector, w, out);
  validateTemplate(w, out);
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const out: FieldError[] = [];
  validateCommon(rs, out);
  return out;
}

export function validateIntOrPercent(v: unknown, field: string, out: FieldError[]): void {
  if (typeof v === 'number') return validateNonNegative(v, field, out);
  if (!isPercent(v)) {
    out.push(
      fieldError(
        'Invalid',
        field,
        v,
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      ),
    );
  }
}

const isZero = (v: unknown): boolean => v === 0 || v === '0%';

/** maxSurge and maxUnavailable: int-or-percent, unavailable at most 100%, not both 0. */
function validateRollingUpdate(
  ru: { maxSurge?: number | string; maxUnavailable?: number | string },
  at: string,
  out: FieldError[],
): void {
  const surge = `${at}.rollingUpdate.maxSurge`;
  const unavailable = `${at}.rollingUpdate.maxUnavailable`;
  validateIntOrPercent(ru.maxSurge, surge, out);
  validateIntOrPercent(ru.maxUnavailable, unavailable, out);
  if (isPercent(ru.maxUnavailable) && Number(ru.maxUnavailable.slice(0, -1)) > 100)
    out.push(fieldError('Invalid', unavailable, ru.maxUnavailable, 'must not be greater than 100%'));
  if (isZero(ru.maxSurge) && isZero(ru.maxUnavailable))
    out.push(fieldError('Invalid', unavailable, ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
}

function validateStrategy(d: Deployment, out: FieldError[]): void {
  const s = d.spec.strategy;
  const at = 'spec.strategy';
  if (s.type === 'Recreate') {
    if (s.rollingUpdate)
      out.push(
        fieldError(
          'Forbidden',
          `${at}.rollingUpdate`,
          undefined,
          "may not be specified when strategy `type` is 'Recreate'",
        ),
      );
    return;
  }
  if (s.type !== 'RollingUpdate') {
    out.push(
      fieldError('NotSupported', `${at}.type`, s.type, 'supported values: "Recreate", "RollingUpdate"'),
    );
    return;
  }
  validateRollingUpdate(s.rollingUpdate ?? {}, at, out);
}

export function validateDeployment(d: Deployment): FieldError[] {
  const out: FieldError[] = [];
  validateCommon(d, out);
  validateStrategy(d, out);
  validateNonNegative(d.spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', out);
  validateNonNegative(d.spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds', out);
  if (d.spec.progressDeadlineSeconds <= (d.spec.minReadySeconds ?? 0))
    out.push(
      fieldError(
        'Invalid',
        'spec.progressDeadlineSeconds',
        d.spec.progressDeadlineSeconds,
        'must be greater than minReadySeconds',
      ),
    );
  return out;
}

/** Upstream's SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0; history 10. */
export function applyDaemonSetDefaults(ds: DaemonSet): void {
  const spec = ds.spec;
  spec.updateStrategy ??= { type: 'RollingUpdate' };
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  applyTemplateDefaults(ds);
  ds.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const out: FieldError[] = [];
  validateCommon(ds, out);
  validateNonNegative(ds.spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', out);
  const s = ds.spec.updateStrategy;
  const at = 'spec.updateStrategy';
  if (s.type === 'RollingUpdate') validateRollingUpdate(s.rollingUpdate ?? {}, at, out);
  else if (s.type !== 'OnDelete')
    out.push(
      fieldError('NotSupported', `${at}.type`, s.type, 'supported values: "OnDelete", "RollingUpdate"'),
    );
  return out;
}

/** What an update may not change: the selector (apps/v1). */
export function validateWorkloadUpdate(old: Workload, next: Workload): FieldError[] {
  if (JSON.stringify(old.spec.selector) === JSON.stringify(next.spec.selector)) return [];
  return [fieldError('Invalid', 'spec.selector', next.spec.selector, 'field is immutable')];
}

// Defaults and validation of an autoscaling/v2 HorizontalPodAutoscaler, worded as upstream's
// (pkg/apis/autoscaling/v2/defaults.go, pkg/apis/autoscaling/validation/validation.go) for what the
// controller acts on: replica bounds, the target reference, Resource metrics and behavior.
import { type FieldError, fieldError } from './field-errors';
import {
  DEFAULT_CPU_UTILIZATION,
  DEFAULT_SCALE_DOWN,
  DEFAULT_SCALE_UP,
  type HorizontalPodAutoscaler,
  type MetricSpec,
  type ScalingRules,
} from './hpa';
import { validateMetadataMaps, validateObjectName } from './meta-validation';
import { dns1123LabelProblems, dns1123SubdomainProblems } from './names';
import { parseQuantity } from './quantity';

const supported = (values: string[]): string => `supported values: ${values.map((v) => `"${v}"`).join(', ')}`;
const SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
/** The metric source field each type populates. */
const SOURCE_FIELD: Record<string, string> = {
  ContainerResource: 'containerResource',
  External: 'external',
  Object: 'object',
  Pods: 'pods',
  Resource: 'resource',
};

/** SetDefaults_HorizontalPodAutoscaler: minReplicas 1, cpu at 80% when no metric is named, behavior filled in. */
export function applyHpaDefaults(hpa: HorizontalPodAutoscaler): void {
  const spec = hpa.spec;
  spec.minReplicas ??= 1;
  if (!spec.metrics?.length) {
    spec.metrics = [
      {
        type: 'Resource',
        resource: {
          name: 'cpu',
          target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION },
        },
      },
    ];
  }
  const b = spec.behavior;
  if (!b) return;
  b.scaleUp = { ...structuredClone(DEFAULT_SCALE_UP), ...dropUnset(b.scaleUp) };
  b.scaleDown = { ...structuredClone(DEFAULT_SCALE_DOWN), ...dropUnset(b.scaleDown) };
}

const dropUnset = (r: ScalingRules | undefined): ScalingRules =>
  Object.fromEntries(Object.entries(r ?? {}).filter(([, v]) => v !== undefined && v !== null));

export function validateHpa(hpa: HorizontalPodAutoscaler): FieldError[] {
  const out: FieldError[] = [];
  validateObjectName(hpa.metadata.name, 'metadata.name', dns1123SubdomainProblems, out);
  validateObjectName(hpa.metadata.namespace, 'metadata.namespace', dns1123LabelProblems, out);
  validateMetadataMaps(hpa.metadata, out);
  const spec = hpa.spec;
  const min = spec.minReplicas;
  if (min !== undefined && min < 1)
    out.push(fieldError('Invalid', 'spec.minReplicas', min, 'must be greater than or equal to 1'));
  const max = spec.maxReplicas ?? 0;
  if (max < 1) out.push(fieldError('Invalid', 'spec.maxReplicas', max, 'must be greater than 0'));
  if (min !== undefined && max < min)
    out.push(
      fieldError('Invalid', 'spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'),
    );
  const ref = spec.scaleTargetRef ?? { kind: '', name: '' };
  if (!ref.kind) out.push(fieldError('Required', 'spec.scaleTargetRef.kind', undefined, ''));
  if (!ref.name) out.push(fieldError('Required', 'spec.scaleTargetRef.name', undefined, ''));
  (spec.metrics ?? []).forEach((m, i) => validateMetric(m, `spec.metrics[${i}]`, out));
  if (spec.behavior) {
    validateRules(spec.behavior.scaleUp, 'spec.behavior.scaleUp', out);
    validateRules(spec.behavior.scaleDown, 'spec.behavior.scaleDown', out);
  }
  return out;
}

function validateMetric(m: MetricSpec, at: string, out: FieldError[]): void {
  if (!m.type) {
    out.push(fieldError('Required', `${at}.type`, undefined, 'must specify a metric source type'));
    return;
  }
  if (!SOURCE_TYPES.includes(m.type)) {
    out.push(fieldError('NotSupported', `${at}.type`, m.type, supported(SOURCE_TYPES)));
    return;
  }
  const own = SOURCE_FIELD[m.type] ?? '';
  if (m[own] === undefined)
    out.push(
      fieldError(
        'Required',
        `${at}.${own}`,
        undefined,
        'must populate information for the given metric source',
      ),
    );
  for (const other of Object.values(SOURCE_FIELD))
    if (other !== own && m[other] !== undefined)
      out.push(
        fieldError('Forbidden', `${at}.${other}`, undefined, 'must populate the given metric source only'),
      );
  if (m.type !== 'Resource' || !m.resource) return;
  const r = m.resource;
  if (!r.name)
    out.push(fieldError('Required', `${at}.resource.name`, undefined, 'must specify a resource name'));
  const t = r.target ?? {};
  const tAt = `${at}.resource.target`;
  if (!t.type)
    out.push(fieldError('Required', `${tAt}.type`, undefined, 'must specify a metric target type'));
  else if (!['Utilization', 'Value', 'AverageValue'].includes(t.type))
    out.push(
      fieldError('Invalid', `${tAt}.type`, t.type, 'must be either Utilization, Value, or AverageValue'),
    );
  if (t.averageUtilization !== undefined && t.averageUtilization < 1)
    out.push(
      fieldError('Invalid', `${tAt}.averageUtilization`, t.averageUtilization, 'must be greater than 0'),
    );
  if (t.averageValue !== undefined && !((parseQuantity(t.averageValue) ?? 0) > 0))
    out.push(fieldError('Invalid', `${tAt}.averageValue`, t.averageValue, 'must be positive'));
  if (t.averageUtilization === undefined && t.averageValue === undefined)
    out.push(
      fieldError(
        'Required',
        `${tAt}.averageUtilization`,
        undefined,
        'must set either a target raw value or a target utilization',
      ),
    );
  if (t.averageUtilization !== undefined && t.averageValue !== undefined)
    out.push(
      fieldError(
        'Forbidden',
        `${tAt}.averageValue`,
        undefined,
        'may not set both a target raw value and a target utilization',
      ),
    );
}

function validateRules(r: ScalingRules | undefined, at: string, out: FieldError[]): void {
  if (!r) return;
  const w = r.stabilizationWindowSeconds;
  if (w !== undefined && w < 0)
    out.push(
      fieldError('Invalid', `${at}.stabilizationWindowSeconds`, w, 'must be greater than or equal to zero'),
    );
  if (w !== undefined && w > 3600)
    out.push(
      fieldError('Invalid', `${at}.stabilizationWindowSeconds`, w, 'must be less than or equal to 3600'),
    );
  if (r.selectPolicy !== undefined && !['Disabled', 'Max', 'Min'].includes(r.selectPolicy))
    out.push(
      fieldError('NotSupported', `${at}.selectPolicy`, r.selectPolicy, supported(['Disabled', 'Max', 'Min'])),
    );
  if (!r.policies?.length)
    out.push(fieldError('Required', `${at}.policies`, undefined, 'must specify at least one Policy'));
  (r.policies ?? []).forEach((p, i) => {
    const pAt = `${at}.policies[${i}]`;
    if (!['Percent', 'Pods'].includes(p.type))
      out.push(fieldError('NotSupported', `${pAt}.type`, p.type, supported(['Percent', 'Pods'])));
    if (!(p.value > 0)) out.push(fieldError('Invalid', `${pAt}.value`, p.value, 'must be greater than zero'));
    if (!(p.periodSeconds > 0))
      out.push(fieldError('Invalid', `${pAt}.periodSeconds`, p.periodSeconds, 'must be greater than zero'));
    else if (p.periodSeconds > 1800)
      out.push(
        fieldError('Invalid', `${pAt}.periodSeconds`, p.periodSeconds, 'must be less than or equal to 1800'),
      );
  });
}

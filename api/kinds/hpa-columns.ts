// `kubectl get hpa` as upstream's printer (printHorizontalPodAutoscaler, formatHPAMetrics): NAME REFERENCE
// TARGETS MINPODS MAXPODS REPLICAS AGE, TARGETS like `cpu: 12%/50%` (the first two metrics, then `+ N more...`).
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus } from '../../agent/model/hpa';
import { type TableSpec, column } from '../table';
import { age, ageColumn, nameColumn } from '../resources';

const integer = (name: string, description: string): ReturnType<typeof column> => ({
  ...column(name, description),
  type: 'integer',
});

type Source = { target?: Record<string, unknown>; current?: Record<string, unknown> } | undefined;
/** A quantity or count as the printer shows it (`<unknown>` when the status has none). */
const text = (v: unknown, none = '<unknown>'): string =>
  typeof v === 'string' || typeof v === 'number'
    ? String(v)
    : v === undefined || v === null
      ? none
      : JSON.stringify(v);
const quantity = (v: unknown): string => text(v);

/** One metric's `current/target`, as formatHPAMetrics words each source type. */
function formatMetric(spec: MetricSpec, status: MetricStatus | undefined): string {
  const field = spec.type === 'ContainerResource' ? 'containerResource' : spec.type.toLowerCase();
  const source = spec[field] as Source;
  const target = source?.target ?? {};
  const current = (status?.[field as keyof MetricStatus] as Source)?.current;
  const avg = target['averageValue'] !== undefined;
  if (spec.type === 'Resource' || spec.type === 'ContainerResource') {
    const name = (source as { name?: string } | undefined)?.name ?? '';
    if (avg) return `${name}: ${quantity(current?.['averageValue'])}/${text(target['averageValue'])}`;
    const cur = current?.['averageUtilization'];
    const want = target['averageUtilization'];
    return `${name}: ${cur !== undefined ? `${text(cur)}%` : '<unknown>'}/${want !== undefined ? `${text(want)}%` : '<auto>'}`;
  }
  if (spec.type === 'Pods') return `${quantity(current?.['averageValue'])}/${text(target['averageValue'])}`;
  if (spec.type === 'Object' || spec.type === 'External') {
    if (avg) return `${quantity(current?.['averageValue'])}/${text(target['averageValue'])} (avg)`;
    return `${quantity(current?.['value'])}/${text(target['value'])}`;
  }
  return '<unknown type>';
}

export function formatHpaMetrics(specs: MetricSpec[] = [], statuses: MetricStatus[] = []): string {
  if (!specs.length) return '<none>';
  const list = specs.map((s, i) => formatMetric(s, statuses[i]));
  const shown = list.slice(0, 2).join(', ');
  return list.length > 2 ? `${shown} + ${list.length - 2} more...` : shown;
}

export const hpaTable: TableSpec<HorizontalPodAutoscaler> = {
  columns: [
    nameColumn,
    column(
      'Reference',
      'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.',
    ),
    column(
      'Targets',
      'metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).',
    ),
    column(
      'MinPods',
      'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.',
    ),
    integer(
      'MaxPods',
      'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.',
    ),
    integer(
      'Replicas',
      'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.',
    ),
    ageColumn,
  ],
  cells: (h, now) => [
    h.metadata.name,
    `${h.spec.scaleTargetRef.kind}/${h.spec.scaleTargetRef.name}`,
    formatHpaMetrics(h.spec.metrics, h.status.currentMetrics),
    h.spec.minReplicas !== undefined ? String(h.spec.minReplicas) : '<unset>',
    h.spec.maxReplicas,
    h.status.currentReplicas ?? 0,
    age(h, now),
  ],
};

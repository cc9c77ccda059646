// autoscaling/v1 HorizontalPodAutoscalers, converted to and from the stored autoscaling/v2 as upstream's
// conversion does for what v1 carries: targetCPUUtilizationPercentage is a Resource cpu Utilization metric,
// currentCPUUtilizationPercentage its current value. v1 cannot say the other metrics or behavior: a v1 write
// keeps the stored object's (upstream round-trips them through annotations).
import { AUTOSCALING_V1 } from './group-version';
import { HPA_KIND, type HorizontalPodAutoscaler, type MetricSpec, cpuUtilizationTarget } from './hpa';
import { decodeObject } from './pod-decode';
import { checkBodyShape, kindShape, shapedCopy } from './shape';

const V1_SHAPE = kindShape(HPA_KIND, AUTOSCALING_V1);

export interface HorizontalPodAutoscalerV1 {
  apiVersion: 'autoscaling/v1';
  kind: 'HorizontalPodAutoscaler';
  metadata: HorizontalPodAutoscaler['metadata'];
  spec: {
    scaleTargetRef: HorizontalPodAutoscaler['spec']['scaleTargetRef'];
    minReplicas?: number;
    maxReplicas: number;
    targetCPUUtilizationPercentage?: number;
  };
  status: {
    observedGeneration?: number;
    lastScaleTime?: string;
    currentReplicas: number;
    desiredReplicas: number;
    currentCPUUtilizationPercentage?: number;
  };
}

const isCpuUtilization = (m: MetricSpec): boolean =>
  m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target.type === 'Utilization';

export function toV1(hpa: HorizontalPodAutoscaler): HorizontalPodAutoscalerV1 {
  const { spec, status } = hpa;
  const target = cpuUtilizationTarget(spec);
  const current = status.currentMetrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu')
    ?.resource?.current.averageUtilization;
  return {
    apiVersion: 'autoscaling/v1',
    kind: HPA_KIND,
    metadata: hpa.metadata,
    spec: {
      scaleTargetRef: spec.scaleTargetRef,
      ...(spec.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
      maxReplicas: spec.maxReplicas,
      ...(target !== undefined ? { targetCPUUtilizationPercentage: target } : {}),
    },
    status: {
      ...(status.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
      ...(status.lastScaleTime !== undefined ? { lastScaleTime: status.lastScaleTime } : {}),
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      ...(current !== undefined ? { currentCPUUtilizationPercentage: current } : {}),
    },
  };
}

/**
 * A v1 body as the v2 body it stands for (still to be decoded as v2: defaults and validation are v2's);
 * `old`: the stored object whose other metrics and behavior a v1 write keeps.
 */
export function fromV1(
  raw: unknown,
  namespace: string,
  old?: HorizontalPodAutoscaler,
): Record<string, unknown> {
  const obj = decodeObject(raw, HPA_KIND, namespace, 'autoscaling/v1');
  checkBodyShape(obj, V1_SHAPE, HPA_KIND, AUTOSCALING_V1.version, []);
  const v1 = shapedCopy<Partial<HorizontalPodAutoscalerV1>>(obj, V1_SHAPE);
  const spec = v1.spec ?? ({} as HorizontalPodAutoscalerV1['spec']);
  const kept = (old?.spec.metrics ?? []).filter((m) => !isCpuUtilization(m));
  const cpu: MetricSpec[] =
    spec.targetCPUUtilizationPercentage !== undefined
      ? [
          {
            type: 'Resource',
            resource: {
              name: 'cpu',
              target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage },
            },
          },
        ]
      : [];
  const v2spec: Record<string, unknown> = {
    scaleTargetRef: spec.scaleTargetRef,
    maxReplicas: spec.maxReplicas,
    ...(spec.minReplicas !== undefined ? { minReplicas: spec.minReplicas } : {}),
    metrics: [...cpu, ...kept],
    ...(old?.spec.behavior ? { behavior: old.spec.behavior } : {}),
  };
  return { apiVersion: 'autoscaling/v2', kind: HPA_KIND, metadata: v1.metadata ?? {}, spec: v2spec };
}

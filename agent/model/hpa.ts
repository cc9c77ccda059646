// HorizontalPodAutoscalers as the API stores them: autoscaling/v2 (the stored version; autoscaling/v1 is
// converted to and from it in hpa-convert.ts). The fields the controller acts on are typed; the other metric
// sources (Pods, Object, External, ContainerResource) are kept as sent and answered with a condition.
import type { ObjectMeta } from './meta';

export const HPA_KIND = 'HorizontalPodAutoscaler';
/** The events' source component, as upstream's controller names itself. */
export const HPA_COMPONENT = 'horizontal-pod-autoscaler';

export interface CrossVersionObjectReference {
  kind: string;
  name: string;
  apiVersion?: string;
}

export interface MetricTarget {
  type: 'Utilization' | 'Value' | 'AverageValue';
  averageUtilization?: number;
  averageValue?: string | number;
  value?: string | number;
}

export interface MetricSpec {
  type: 'Resource' | 'Pods' | 'Object' | 'External' | 'ContainerResource';
  resource?: { name: string; target: MetricTarget };
  [source: string]: unknown;
}

export interface MetricValueStatus {
  averageUtilization?: number;
  averageValue?: string;
  value?: string;
}

export interface MetricStatus {
  type: MetricSpec['type'];
  resource?: { name: string; current: MetricValueStatus };
}

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: ScalingPolicy[];
}

export interface HpaBehavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

export interface HpaCondition {
  type: 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface HorizontalPodAutoscalerSpec {
  scaleTargetRef: CrossVersionObjectReference;
  minReplicas?: number;
  maxReplicas: number;
  metrics?: MetricSpec[];
  behavior?: HpaBehavior;
}

export interface HorizontalPodAutoscalerStatus {
  observedGeneration?: number;
  lastScaleTime?: string;
  currentReplicas?: number;
  desiredReplicas?: number;
  currentMetrics?: MetricStatus[];
  conditions?: HpaCondition[];
}

export interface HorizontalPodAutoscaler {
  apiVersion: 'autoscaling/v2';
  kind: 'HorizontalPodAutoscaler';
  metadata: ObjectMeta;
  spec: HorizontalPodAutoscalerSpec;
  status: HorizontalPodAutoscalerStatus;
}

/** upstream's DefaultCPUUtilization: the target of an HPA that names no metric. */
export const DEFAULT_CPU_UTILIZATION = 80;

/** upstream's GenerateHPAScaleUpRules: no window, the larger of +4 pods and +100% every 15 s. */
export const DEFAULT_SCALE_UP: Required<ScalingRules> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};

/** upstream's GenerateHPAScaleDownRules; the window is the controller's (--horizontal-pod-autoscaler-downscale-stabilization). */
export const DEFAULT_SCALE_DOWN: Omit<Required<ScalingRules>, 'stabilizationWindowSeconds'> = {
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

/** upstream's default --horizontal-pod-autoscaler-downscale-stabilization: 5 minutes. */
export const DEFAULT_DOWNSCALE_STABILIZATION_SECONDS = 300;

/** The cpu utilization target of a Resource metric, if the HPA has one (what autoscaling/v1 carries). */
export const cpuUtilizationTarget = (spec: HorizontalPodAutoscalerSpec): number | undefined =>
  spec.metrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu')?.resource?.target
    .averageUtilization;

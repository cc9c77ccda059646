// A Job's pods as the reconciler reads them (phase, index, counted or not), and the pod a Job creates from
// its template: the names, labels, annotations, owner and finalizer upstream's Job controller gives it.
import {
  COMPLETION_INDEX,
  COMPLETION_INDEX_ENV,
  CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  type Job,
  LEGACY_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
  TRACKING_FINALIZER,
  controllerRef,
} from '../model/job';
import type { Container, Pod } from '../model/pod';

export interface JobPod {
  name: string;
  phase: Pod['status']['phase'];
  /** Marked for deletion and not yet finished. */
  terminating: boolean;
  /** Still carries the tracking finalizer: its end is not in the Job's counters yet. */
  uncounted: boolean;
  /** Indexed Jobs: the completion index it runs (undefined when missing or not a number). */
  index: number | undefined;
  ready: boolean;
  /** Container restarts so far (OnFailure: the Job's failures). */
  restarts: number;
  createdAt: number;
  /** When its last container ended (finished pods). */
  finishedAt: number;
  /** Terminated containers and their exit codes (podFailurePolicy's onExitCodes). */
  containerExits: ContainerExit[];
  initContainerExits: ContainerExit[];
  /** The pod's conditions (podFailurePolicy's onPodConditions). */
  conditions: { type: string; status: string }[];
  /** backoffLimitPerIndex: the failures of its index before this pod (the index-failure-count annotation). */
  indexFailures: number;
}

export interface ContainerExit {
  name: string;
  exitCode: number;
}

/** On each pod of a Job with backoffLimitPerIndex: how often its index failed before it. */
export const INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';

const exits = (statuses: Pod['status']['containerStatuses']): ContainerExit[] =>
  (statuses ?? []).flatMap((s) =>
    s.state.terminated ? [{ name: s.name, exitCode: s.state.terminated.exitCode }] : [],
  );

const finalizers = (pod: Pod): string[] => {
  const f = pod.metadata['finalizers'];
  return Array.isArray(f) ? (f as string[]) : [];
};

export const isFinished = (p: JobPod): boolean => p.phase === 'Succeeded' || p.phase === 'Failed';
/** Counts toward `active`: neither finished nor going away. */
export const isActive = (p: JobPod): boolean => !isFinished(p) && !p.terminating;

function parseIndex(pod: Pod): number | undefined {
  const raw = pod.metadata.annotations?.[COMPLETION_INDEX] ?? pod.metadata.labels?.[COMPLETION_INDEX];
  if (raw === undefined || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

export function jobPod(pod: Pod): JobPod {
  const statuses = [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])];
  const created = Date.parse(pod.metadata.creationTimestamp);
  const ended = statuses
    .map((s) => s.state.terminated?.finishedAt)
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t));
  const phase = pod.status.phase;
  const finished = phase === 'Succeeded' || phase === 'Failed';
  return {
    name: pod.metadata.name,
    phase,
    terminating: pod.metadata.deletionTimestamp !== undefined && !finished,
    uncounted: finalizers(pod).includes(TRACKING_FINALIZER),
    index: parseIndex(pod),
    ready: pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    restarts: statuses.reduce((n, s) => n + s.restartCount, 0),
    createdAt: created,
    finishedAt: ended.length ? Math.max(...ended) : created,
    containerExits: exits(pod.status.containerStatuses),
    initContainerExits: exits(pod.status.initContainerStatuses),
    conditions: (pod.status.conditions ?? []).map((c) => ({ type: c.type, status: c.status })),
    indexFailures: Number(pod.metadata.annotations?.[INDEX_FAILURE_COUNT] ?? 0) || 0,
  };
}

const withIndexEnv = (c: Container): Container => ({
  ...c,
  env: [
    ...(c.env ?? []).filter((e) => e.name !== COMPLETION_INDEX_ENV),
    {
      name: COMPLETION_INDEX_ENV,
      valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } },
    },
  ],
});

/**
 * The pod body a Job creates (the server completes generateName). Indexed Jobs: `<job>-<index>-` names,
 * the index as annotation and label, JOB_COMPLETION_INDEX in every container and hostname `<job>-<index>`.
 */
export function podFor(job: Job, index: number | undefined, indexFailures?: number): Record<string, unknown> {
  const m = job.metadata;
  const template = job.spec.template;
  const own = {
    [CONTROLLER_UID_LABEL]: m.uid,
    [JOB_NAME_LABEL]: m.name,
    [LEGACY_CONTROLLER_UID_LABEL]: m.uid,
    [LEGACY_JOB_NAME_LABEL]: m.name,
  };
  const indexed = index === undefined ? {} : { [COMPLETION_INDEX]: String(index) };
  const spec = { ...template.spec };
  if (index !== undefined) {
    spec.containers = spec.containers.map(withIndexEnv);
    if (spec.initContainers) spec.initContainers = spec.initContainers.map(withIndexEnv);
    spec.hostname ??= `${m.name}-${index}`;
  }
  const prefix = index === undefined ? `${m.name}-` : `${m.name}-${index}-`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: prefix.length > 58 ? prefix.slice(0, 58) : prefix,
      namespace: m.namespace,
      labels: { ...template.metadata?.labels, ...own, ...indexed },
      annotations: {
        ...template.metadata?.annotations,
        ...indexed,
        ...(indexFailures !== undefined ? { [INDEX_FAILURE_COUNT]: String(indexFailures) } : {}),
      },
      ownerReferences: [controllerRef(job)],
      finalizers: [TRACKING_FINALIZER],
    },
    spec,
  };
}

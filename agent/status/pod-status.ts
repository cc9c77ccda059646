// The Pod's API status from what runs (kubelet generateAPIPodStatus, getPhase and the pod conditions).
import { isoTime } from '../clock';
import type { ContainerStatus, Pod, PodCondition, PodPhase, PodStatus } from '../model/pod';
import { isSidecar, shouldRestartOnFailure } from '../model/pod-predicates';
import { PodView } from '../planner/pod-view';
import type { ObservedContainer, PodContainerKind } from '../runtime/runtime';
import { containerStatus, type WaitingReason } from './container-status';

export interface StatusContext {
  now: number;
  hostIP: string;
  /** Last start failure per container name. */
  waiting: ReadonlyMap<string, WaitingReason>;
  readiness?: (containerId: string) => boolean | undefined;
  startup?: (containerId: string) => boolean | undefined;
}

const isTerminated = (s: ContainerStatus): boolean => s.state.terminated !== undefined;
const exitedZero = (s: ContainerStatus): boolean =>
  s.state.terminated?.exitCode === 0 && s.state.terminated.reason !== 'OOMKilled';
const lastFailed = (s: ContainerStatus): boolean =>
  s.state.waiting !== undefined && (s.lastState.terminated?.exitCode ?? 0) !== 0;

/** getPhase: counts init, sidecar and app states and decides in the kubelet's order. */
export function podPhase(
  pod: Pod,
  inits: ContainerStatus[],
  apps: ContainerStatus[],
  anyAppStarted: boolean,
): PodPhase {
  let pendingInit = 0;
  let failedInit = 0;
  let pendingSidecar = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  (pod.spec.initContainers ?? []).forEach((c, i) => {
    const s = inits[i];
    if (isSidecar(c)) {
      if (s?.state.running) {
        running++;
        if (!s.started) pendingSidecar++;
      } else if (s?.state.waiting && !s.lastState.terminated) {
        pendingSidecar++;
        waiting++;
      }
      return;
    }
    if (!s || s.state.running || (s.state.waiting && !s.lastState.terminated)) pendingInit++;
    else if ((isTerminated(s) && !exitedZero(s)) || lastFailed(s)) failedInit++;
  });
  for (const s of apps) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (exitedZero(s)) succeeded++;
    } else if (s.state.waiting && s.lastState.terminated) stopped++;
    else waiting++;
  }
  const policy = pod.spec.restartPolicy;
  if (failedInit > 0 && !shouldRestartOnFailure(pod)) return 'Failed';
  if (pendingInit > 0 || (pendingSidecar > 0 && !anyAppStarted) || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (pod.metadata.deletionTimestamp !== undefined) return succeeded === stopped ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (succeeded === stopped) return 'Succeeded';
    return shouldRestartOnFailure(pod) ? 'Running' : 'Failed';
  }
  return 'Pending';
}

const list = (names: string[]): string => `[${names.join(' ')}]`;

function conditions(
  pod: Pod,
  phase: PodPhase,
  view: PodView,
  inits: ContainerStatus[],
  apps: ContainerStatus[],
): Omit<PodCondition, 'lastTransitionTime' | 'lastProbeTime'>[] {
  const initSpecs = pod.spec.initContainers ?? [];
  const incomplete = initSpecs.filter((c, i) => {
    const s = inits[i];
    return isSidecar(c) ? !s?.started : !s?.ready;
  });
  const appStarted = apps.some((s) => s.state.running || s.state.terminated);
  const initialized =
    initSpecs.length === 0 || incomplete.length === 0 || appStarted || phase === 'Succeeded';
  const readyParts = [...initSpecs.filter(isSidecar).map((c) => inits[initSpecs.indexOf(c)]), ...apps];
  const unready = readyParts.filter((s) => !s?.ready).map((s) => s?.name ?? '');
  const terminalReason =
    phase === 'Succeeded' ? 'PodCompleted' : phase === 'Failed' ? 'PodFailed' : undefined;
  const containersReady =
    unready.length === 0 && !terminalReason
      ? { status: 'True' as const }
      : {
          status: 'False' as const,
          reason: terminalReason ?? 'ContainersNotReady',
          ...(terminalReason ? {} : { message: `containers with unready status: ${list(unready)}` }),
        };
  return [
    { type: 'PodReadyToStartContainers', status: view.sandboxHealthy() ? 'True' : 'False' },
    initialized
      ? { type: 'Initialized', status: 'True', ...(phase === 'Succeeded' ? { reason: 'PodCompleted' } : {}) }
      : {
          type: 'Initialized',
          status: 'False',
          reason: 'ContainersNotInitialized',
          message: `containers with incomplete status: ${list(incomplete.map((c) => c.name))}`,
        },
    { type: 'Ready', ...containersReady },
    { type: 'ContainersReady', ...containersReady },
    { type: 'PodScheduled', status: 'True' },
  ];
}

function qosClass(pod: Pod): string {
  const all = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])];
  const has = all.some(
    (c) => Object.keys(c.resources?.limits ?? {}).length || Object.keys(c.resources?.requests ?? {}).length,
  );
  if (!has) return 'BestEffort';
  const guaranteed = all.every((c) => {
    const l = c.resources?.limits ?? {};
    const r = c.resources?.requests ?? l;
    return (
      l.cpu !== undefined &&
      l.memory !== undefined &&
      String(r.cpu) === String(l.cpu) &&
      String(r.memory) === String(l.memory)
    );
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

export function generatePodStatus(
  pod: Pod,
  observed: readonly ObservedContainer[],
  ctx: StatusContext,
): PodStatus {
  const view = new PodView(observed);
  const hasInit = (pod.spec.initContainers ?? []).length > 0;
  const defaultWaiting = hasInit ? 'PodInitializing' : 'ContainerCreating';
  const status = (c: (typeof pod.spec.containers)[number], kind: PodContainerKind): ContainerStatus => {
    const current = view.current(kind, c.name);
    const instances = view.instances(kind, c.name);
    const cur = current ? instances.indexOf(current) : -1;
    return containerStatus({
      container: c,
      kind,
      current,
      latest: instances[0],
      previous: cur >= 0 ? instances[cur + 1] : undefined,
      waiting: ctx.waiting.get(c.name),
      defaultWaiting: kind === 'ephemeral' ? 'ContainerCreating' : defaultWaiting,
      readiness: current ? ctx.readiness?.(current.id) : undefined,
      startup: current ? ctx.startup?.(current.id) : undefined,
    });
  };
  const inits = (pod.spec.initContainers ?? []).map((c) => status(c, 'init'));
  const apps = pod.spec.containers.map((c) => status(c, 'app'));
  const ephemeral = (pod.spec.ephemeralContainers ?? []).map((c) => status(c, 'ephemeral'));
  const sb = view.sandbox;
  // HasAnyActiveRegularContainerStarted: an app container of the *current* sandbox exists (kubernetes#127793).
  const anyAppStarted = pod.spec.containers.some((c) => view.current('app', c.name) !== undefined);
  const prev = pod.status;
  let phase = podPhase(pod, inits, apps, anyAppStarted);
  if (prev.phase === 'Succeeded' || prev.phase === 'Failed') phase = prev.phase; // terminal phases stay
  const at = isoTime(ctx.now);
  const conds: PodCondition[] = conditions(pod, phase, view, inits, apps).map((c) => {
    const old = prev.conditions?.find((o) => o.type === c.type);
    const same = old && old.status === c.status;
    const lastTransitionTime = same
      ? old.lastTransitionTime
      : c.type === 'PodScheduled'
        ? pod.metadata.creationTimestamp
        : at;
    return { ...c, lastProbeTime: null, lastTransitionTime };
  });
  // Conditions others own (DisruptionTarget) stay as written, after the kubelet's (mergePodStatus).
  for (const c of prev.conditions ?? []) if (!conds.some((o) => o.type === c.type)) conds.push(c);
  const podIP = sb?.state === 'running' ? (sb.hostNetwork ? ctx.hostIP : sb.ip) : undefined;
  const result: PodStatus = {
    phase,
    conditions: conds,
    ...(prev.nominatedNodeName ? { nominatedNodeName: prev.nominatedNodeName } : {}),
    hostIP: ctx.hostIP,
    ...(ctx.hostIP ? { hostIPs: [{ ip: ctx.hostIP }] } : {}),
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: prev.startTime ?? at,
    qosClass: qosClass(pod),
    ...(hasInit ? { initContainerStatuses: inits } : {}),
    containerStatuses: [...apps].sort((a, b) => a.name.localeCompare(b.name)),
    ...(ephemeral.length ? { ephemeralContainerStatuses: ephemeral } : {}),
  };
  return result;
}

// kubectl's printPod: the READY, STATUS, RESTARTS and AGE columns of `kubectl get pods`.
import type { ContainerStatus, Pod } from '../model/pod';
import { isSidecar } from '../model/pod-predicates';
import { humanAge } from './human-age';

export { humanAge };

export interface PodRow {
  name: string;
  ready: string;
  status: string;
  restarts: string;
  age: string;
}

export function printPod(pod: Pod, now: number): PodRow {
  const st = pod.status;
  const specInits = pod.spec.initContainers ?? [];
  const sidecars = new Set(specInits.filter(isSidecar).map((c) => c.name));
  let reason = st.reason || st.phase; // kubectl: an empty reason falls back to the phase
  const total = pod.spec.containers.length + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  // Sidecar restarts seen by the init loop (which stops at the first initializing container, as kubectl's).
  let sidecarRestarts = 0;
  let lastSidecarRestart = 0;
  /** kubectl dates RESTARTS by the newest lastState.terminated.finishedAt, whatever the counts. */
  const finishedAt = (s: ContainerStatus): number => {
    const t = s.lastState.terminated?.finishedAt;
    return t ? Date.parse(t) : 0;
  };
  let initializing = false;
  const inits = st.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const s = inits[i];
    if (!s) continue;
    restarts += s.restartCount;
    lastRestart = Math.max(lastRestart, finishedAt(s));
    if (sidecars.has(s.name)) {
      sidecarRestarts += s.restartCount;
      lastSidecarRestart = Math.max(lastSidecarRestart, finishedAt(s));
    }
    const t = s.state.terminated;
    const w = s.state.waiting;
    if (t && t.exitCode === 0) continue;
    if (sidecars.has(s.name) && s.started) {
      if (s.ready) ready++;
      continue;
    }
    initializing = true;
    if (t)
      reason = t.reason
        ? `Init:${t.reason}`
        : t.signal
          ? `Init:Signal:${t.signal}`
          : `Init:ExitCode:${t.exitCode}`;
    else if (w && w.reason && w.reason !== 'PodInitializing') reason = `Init:${w.reason}`;
    else reason = `Init:${i}/${specInits.length}`;
    break;
  }
  const initializedTrue =
    st.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
  if (!initializing || initializedTrue) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const apps = st.containerStatuses ?? [];
    for (let i = apps.length - 1; i >= 0; i--) {
      const s = apps[i];
      if (!s) continue;
      restarts += s.restartCount;
      lastRestart = Math.max(lastRestart, finishedAt(s));
      const t = s.state.terminated;
      if (s.state.waiting?.reason) reason = s.state.waiting.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode}`;
      else if (s.ready && s.state.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = st.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      reason = podReady ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp) {
    if (st.reason === 'NodeLost') reason = 'Unknown';
    else if (st.phase !== 'Succeeded' && st.phase !== 'Failed') reason = 'Terminating';
  }
  const restartText =
    restarts !== 0 && lastRestart > 0 ? `${restarts} (${humanAge(now - lastRestart)} ago)` : String(restarts);
  return {
    name: pod.metadata.name,
    ready: `${ready}/${total}`,
    status: reason,
    restarts: restartText,
    age: humanAge(now - Date.parse(pod.metadata.creationTimestamp)),
  };
}

/** The `kubectl get pods` table as plain text, columns padded like kubectl's. */
export function podTable(pods: Pod[], now: number): string {
  const cells = (r: PodRow): string[] => [r.name, r.ready, r.status, r.restarts, r.age];
  const rows: string[][] = [
    ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    ...pods.map((p) => cells(printPod(p, now))),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return (
    rows
      .map((r) =>
        r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3))).join(''),
      )
      .join('\n') + '\n'
  );
}

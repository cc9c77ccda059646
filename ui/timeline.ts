// A pod's start-up as bars, one per init, sidecar and app container, in milliseconds since the pod's
// creation: from its status (started, finished, exit code, restarts, the last run before a restart) and
// its events (Created; BackOff; ServiceNotFound, which names the Service an init container waits for).
import type { ContainerStatus, KubeEvent, Pod } from './types.js';

export type BarKind = 'init' | 'sidecar' | 'app';

export interface Segment {
  /** starting: created, not yet running; run: running or ran; backoff: waiting to be started again. */
  what: 'starting' | 'run' | 'backoff';
  from: number;
  to: number;
  /** Still going (its end is "now"). */
  open: boolean;
}

export interface Bar {
  name: string;
  kind: BarKind;
  segments: Segment[];
  state: 'not started' | 'waiting' | 'running' | 'terminated';
  reason?: string;
  exitCode?: number;
  restarts: number;
  backOffs: number;
  /** "waiting for Service myservice": this init container is running and looking up a missing Service. */
  stuck?: string;
}

export interface Timeline {
  /** The pod's creation, epoch ms. */
  start: number;
  /** The right edge: now while anything is open, else the last end. */
  span: number;
  bars: Bar[];
}

const at = (t: string | undefined): number | undefined => (t ? Date.parse(t) : undefined);

const fieldPath = (kind: BarKind, name: string): string =>
  kind === 'app' ? `spec.containers{${name}}` : `spec.initContainers{${name}}`;

function stuckOn(events: KubeEvent[], name: string, path: string): string | undefined {
  const mine = events
    .filter(
      (e) =>
        e.reason === 'ServiceNotFound' &&
        (e.involvedObject.fieldPath === path || e.message.startsWith(`init container ${name}:`)),
    )
    .sort((a, b) => Date.parse(b.lastTimestamp) - Date.parse(a.lastTimestamp))[0];
  const m = mine && /no Service (\S+) in namespace (\S+)/.exec(mine.message);
  return m ? `waiting for Service ${m[1]} (namespace ${m[2]})` : undefined;
}

function bar(
  kind: BarKind,
  name: string,
  st: ContainerStatus | undefined,
  events: KubeEvent[],
  now: number,
): Bar {
  const path = fieldPath(kind, name);
  const mine = events.filter((e) => e.involvedObject.fieldPath === path);
  const created = mine
    .filter((e) => e.reason === 'Created')
    .map((e) => Date.parse(e.firstTimestamp))
    .sort((a, b) => a - b)[0];
  const backOffs = mine.filter((e) => e.reason === 'BackOff').reduce((n, e) => n + e.count, 0);
  const segments: Segment[] = [];
  const run = (from: number | undefined, to: number | undefined): void => {
    if (from !== undefined) segments.push({ what: 'run', from, to: to ?? now, open: to === undefined });
  };
  const last = st?.lastState.terminated;
  const cur = st?.state;
  const curStart = at(cur?.running?.startedAt ?? cur?.terminated?.startedAt);
  const firstStart = at(last?.startedAt) ?? curStart;
  if (created !== undefined && firstStart !== undefined && firstStart > created)
    segments.push({ what: 'starting', from: created, to: firstStart, open: false });
  else if (created !== undefined && firstStart === undefined)
    segments.push({ what: 'starting', from: created, to: now, open: true });
  if (last) {
    run(at(last.startedAt), at(last.finishedAt) ?? at(last.startedAt));
    const lastEnd = at(last.finishedAt);
    if (lastEnd !== undefined)
      segments.push({ what: 'backoff', from: lastEnd, to: curStart ?? now, open: curStart === undefined });
  }
  if (cur?.running) run(curStart, undefined);
  if (cur?.terminated) run(curStart, at(cur.terminated.finishedAt));
  const state = cur?.running
    ? 'running'
    : cur?.terminated
      ? 'terminated'
      : cur?.waiting
        ? 'waiting'
        : 'not started';
  const reason = cur?.waiting?.reason ?? cur?.terminated?.reason;
  const stuck = kind === 'init' && state === 'running' ? stuckOn(events, name, path) : undefined;
  return {
    name,
    kind,
    segments,
    state,
    ...(reason ? { reason } : {}),
    ...(cur?.terminated ? { exitCode: cur.terminated.exitCode } : {}),
    restarts: st?.restartCount ?? 0,
    backOffs,
    ...(stuck ? { stuck } : {}),
  };
}

export function timeline(pod: Pod, events: KubeEvent[], now: number): Timeline {
  const start = Date.parse(pod.metadata.creationTimestamp ?? '') || now;
  const mine = events.filter((e) => e.involvedObject.uid === pod.metadata.uid);
  const status = (list: ContainerStatus[] | undefined, name: string): ContainerStatus | undefined =>
    list?.find((s) => s.name === name);
  const bars = [
    ...(pod.spec.initContainers ?? []).map((c) =>
      bar(
        c.restartPolicy === 'Always' ? 'sidecar' : 'init',
        c.name,
        status(pod.status.initContainerStatuses, c.name),
        mine,
        now,
      ),
    ),
    ...pod.spec.containers.map((c) =>
      bar('app', c.name, status(pod.status.containerStatuses, c.name), mine, now),
    ),
  ];
  const ends = bars.flatMap((b) => b.segments.map((s) => s.to));
  const open =
    bars.some((b) => b.segments.some((s) => s.open)) || bars.some((b) => b.state === 'not started');
  const span = Math.max(1000, (open ? now : Math.max(start, ...ends)) - start);
  return { start, span, bars };
}

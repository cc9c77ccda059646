// Samples every running container's cgroup (and the node) every interval, keeping the last two samples per
// container for CPU rates; a container that stops running is dropped, so deleted pods leave no series.
// Which containers run comes from the pods' status (no engine call).
import type { Clock } from '../clock';
import type { Pod } from '../model/pod';
import { type HostReader, readMemory } from '../node/host-readings';
import type { ContainerUsage, ResourceUsage, Usage, UsageSnapshot } from '../ports/resource-usage';
import { type CgroupStats, workingSet } from './cgroup-stats';

export interface StatsCollectorDeps {
  pods: () => Pod[];
  cgroups: CgroupStats;
  host: HostReader;
  clock: Clock;
  /** The kubelet's housekeeping: 10 s. */
  intervalMs: number;
}

interface Point {
  at: number;
  cpuNanos: number;
}

interface Tracked {
  usage: ContainerUsage;
  last: Point;
}

/** Cores from two cumulative readings; 0 when the window is empty or the counter went back. */
export function rate(prev: Point, cur: Point): number {
  const dt = cur.at - prev.at;
  return dt > 0 && cur.cpuNanos >= prev.cpuNanos ? (cur.cpuNanos - prev.cpuNanos) / (dt * 1e6) : 0;
}

const runningContainers = (pod: Pod): { name: string; id: string; startedAt: string }[] =>
  (pod.status.containerStatuses ?? []).flatMap((c) => {
    const id = c.containerID?.replace(/^\w+:\/\//, '');
    return id && c.state?.running ? [{ name: c.name, id, startedAt: c.state.running.startedAt ?? '' }] : [];
  });

export class StatsCollector implements ResourceUsage {
  private containers = new Map<string, Tracked>();
  private node: { usage: Usage; last: Point } | undefined;
  private error = false;
  private at = 0;
  private windowSeconds = 0;
  private cancel: (() => void) | undefined;

  constructor(private readonly deps: StatsCollectorDeps) {}

  start(): void {
    this.collect();
    this.cancel = this.deps.clock.setTimer(() => this.start(), this.deps.intervalMs);
  }

  stop(): void {
    this.cancel?.();
  }

  snapshot(): UsageSnapshot {
    return {
      at: this.at,
      windowSeconds: this.windowSeconds,
      containers: [...this.containers.values()].map((t) => t.usage),
      node: this.node?.usage,
      error: this.error,
    };
  }

  /** One sample of every running container and of the node. */
  collect(): void {
    const now = this.deps.clock.now();
    this.windowSeconds = this.at ? (now - this.at) / 1000 : 0;
    this.at = now;
    const next = new Map<string, Tracked>();
    for (const pod of this.deps.pods()) {
      for (const c of runningContainers(pod)) {
        const s = this.deps.cgroups.container(c.id);
        if (!s) continue;
        const cur = { at: now, cpuNanos: s.cpuNanos };
        const started = Date.parse(c.startedAt);
        const prev = this.containers.get(c.id)?.last ?? {
          at: Number.isNaN(started) ? now : started,
          cpuNanos: 0,
        };
        const m = pod.metadata;
        next.set(c.id, {
          last: cur,
          usage: {
            namespace: m.namespace,
            pod: m.name,
            podUid: m.uid,
            container: c.name,
            startTimeSeconds: Number.isNaN(started) ? 0 : started / 1000,
            cpuSeconds: s.cpuNanos / 1e9,
            // first sample: the average since the container started
            cpuCores: rate(prev, cur),
            workingSetBytes: workingSet(s),
          },
        });
      }
    }
    this.containers = next;
    this.collectNode(now);
  }

  private collectNode(now: number): void {
    const cpuNanos = this.deps.cgroups.nodeCpuNanos();
    const memory = readMemory(this.deps.host);
    this.error = cpuNanos === undefined || memory === undefined;
    if (cpuNanos === undefined || memory === undefined) return;
    const cur = { at: now, cpuNanos };
    this.node = {
      last: cur,
      usage: {
        cpuSeconds: cpuNanos / 1e9,
        cpuCores: this.node ? rate(this.node.last, cur) : 0,
        workingSetBytes: memory.workingSetBytes,
      },
    };
  }
}

// Readiness, liveness and startup probes for running containers, on the kubelet's schedule: after
// initialDelaySeconds, every periodSeconds, with success/failure thresholds; liveness and readiness wait
// for the startup probe. A result change wakes the pod's worker.
import type { Clock } from '../clock';
import type { EventRecorder } from '../events/recorder';
import type { Logger } from '../log';
import type { Container, Pod, Probe } from '../model/pod';
import type { ProbeResult } from '../planner/plan-pod';
import type { KubeletMetrics } from '../ports/kubelet-metrics';
import type { ContainerRuntime, ObservedContainer } from '../runtime/runtime';
import { fieldPath, podRef } from './executor';
import { type HandlerResult, runHandler } from './handlers';

export type ProbeKind = 'readiness' | 'liveness' | 'startup';
const PROBE_TYPE = { readiness: 'Readiness', liveness: 'Liveness', startup: 'Startup' } as const;

interface ProbeState {
  kind: ProbeKind;
  probe: Probe;
  result: ProbeResult;
  successes: number;
  failures: number;
  cancel?: () => void;
  running: boolean;
}

interface Target {
  pod: Pod;
  container: Container;
  kind: 'init' | 'app';
  observed: ObservedContainer;
  podIP: string;
  probes: ProbeState[];
}

export interface ProberDeps {
  runtime: ContainerRuntime;
  clock: Clock;
  logger: Logger;
  events: EventRecorder;
  /** Wakes the pod's worker after a result changed. */
  onChange: (podUid: string) => void;
  run?: typeof runHandler;
  /** Each probe's outcome (prober_probe_total). */
  metrics?: KubeletMetrics;
}

export class Prober {
  private readonly targets = new Map<string, Target>();

  constructor(private readonly deps: ProberDeps) {}

  /** Result for the planner (startup, liveness) and the status (readiness, startup as "started"). */
  result(containerId: string, kind: ProbeKind): ProbeResult {
    return this.targets.get(containerId)?.probes.find((p) => p.kind === kind)?.result;
  }

  ready(containerId: string): boolean | undefined {
    const t = this.targets.get(containerId);
    if (!t) return undefined;
    const readiness = t.probes.find((p) => p.kind === 'readiness');
    if (!readiness) return undefined;
    return readiness.result === 'success';
  }

  started(containerId: string): boolean | undefined {
    const t = this.targets.get(containerId);
    const startup = t?.probes.find((p) => p.kind === 'startup');
    return startup ? startup.result === 'success' : undefined;
  }

  /** Called after each sync round with what runs: starts probing new containers, stops gone ones. */
  track(
    pod: Pod,
    running: { container: Container; kind: 'init' | 'app'; observed: ObservedContainer }[],
    podIP: string,
  ): void {
    const uid = pod.metadata.uid;
    const keep = new Set<string>();
    for (const r of running) {
      const c = r.container;
      const specs: [ProbeKind, Probe | undefined][] = [
        ['startup', c.startupProbe],
        ['liveness', c.livenessProbe],
        ['readiness', c.readinessProbe],
      ];
      const probes = specs.filter((s): s is [ProbeKind, Probe] => s[1] !== undefined);
      if (!probes.length) continue;
      keep.add(r.observed.id);
      const existing = this.targets.get(r.observed.id);
      if (existing) {
        existing.pod = pod;
        continue;
      }
      const target: Target = {
        ...r,
        pod,
        podIP,
        probes: probes.map(([kind, probe]) => ({
          kind,
          probe,
          result: kind === 'liveness' ? 'success' : undefined,
          successes: 0,
          failures: 0,
          running: false,
        })),
      };
      this.targets.set(r.observed.id, target);
      for (const p of target.probes) this.schedule(target, p, (p.probe.initialDelaySeconds ?? 0) * 1000);
    }
    for (const [id, t] of this.targets) {
      if (t.pod.metadata.uid === uid && !keep.has(id)) this.forget(id);
    }
  }

  forgetPod(uid: string): void {
    for (const [id, t] of this.targets) if (t.pod.metadata.uid === uid) this.forget(id);
  }

  stop(): void {
    for (const id of [...this.targets.keys()]) this.forget(id);
  }

  private forget(id: string): void {
    const t = this.targets.get(id);
    for (const p of t?.probes ?? []) p.cancel?.();
    this.targets.delete(id);
  }

  private schedule(t: Target, p: ProbeState, delayMs: number): void {
    p.cancel = this.deps.clock.setTimer(() => void this.tick(t, p), delayMs);
  }

  private gated(t: Target, p: ProbeState): boolean {
    if (p.kind === 'startup') return p.result === 'success'; // startup stops once it succeeded
    const startup = t.probes.find((x) => x.kind === 'startup');
    return startup !== undefined && startup.result !== 'success';
  }

  private async tick(t: Target, p: ProbeState): Promise<void> {
    if (this.targets.get(t.observed.id) !== t || p.running) return;
    const period = (p.probe.periodSeconds ?? 10) * 1000;
    if (this.gated(t, p)) {
      this.schedule(t, p, period);
      return;
    }
    p.running = true;
    const run = this.deps.run ?? runHandler;
    let r: HandlerResult;
    try {
      r = await run(
        p.probe,
        { runtime: this.deps.runtime, containerId: t.observed.id, container: t.container, podIP: t.podIP },
        (p.probe.timeoutSeconds ?? 1) * 1000,
      );
    } finally {
      p.running = false;
    }
    if (this.targets.get(t.observed.id) !== t) return;
    this.record(t, p, r);
    this.schedule(t, p, period);
  }

  private record(t: Target, p: ProbeState, r: HandlerResult): void {
    const before = p.result;
    const m = t.pod.metadata;
    this.deps.metrics?.probe({
      probeType: PROBE_TYPE[p.kind],
      result: r.ok ? 'successful' : 'failed',
      container: t.container.name,
      pod: m.name,
      namespace: m.namespace,
      podUid: m.uid,
    });
    if (r.ok) {
      p.successes++;
      p.failures = 0;
      if (p.successes >= (p.probe.successThreshold ?? 1)) p.result = 'success';
    } else {
      p.failures++;
      p.successes = 0;
      const kindName = p.kind[0]?.toUpperCase() + p.kind.slice(1);
      this.deps.events.record(
        podRef(t.pod, fieldPath(t.kind, t.container.name)),
        'Warning',
        'Unhealthy',
        `${kindName} probe failed: ${r.message}`,
      );
      if (p.failures >= (p.probe.failureThreshold ?? 3)) p.result = 'failure';
    }
    if (p.result !== before) {
      this.deps.logger.info('probe result changed', {
        pod: t.pod.metadata.name,
        container: t.container.name,
        probe: p.kind,
        result: p.result,
      });
      this.deps.onChange(t.pod.metadata.uid);
    }
  }
}

// When each pod started, for kubelet_pod_start_duration_seconds (from first seen here to running) and
// kubelet_pod_start_sli_duration_seconds (from creation to running, image pulls left out, as upstream's
// pod startup latency tracker): a pod counts as started the first time all its app containers run.
import type { Clock } from '../clock';
import type { Pod } from '../model/pod';
import type { KubeletMetrics } from '../ports/kubelet-metrics';

interface Start {
  firstSeen: number;
  pullMs: number;
  done: boolean;
}

export class PodStartTracker {
  private readonly pods = new Map<string, Start>();

  constructor(private readonly deps: { clock: Clock; metrics: KubeletMetrics }) {}

  seen(uid: string): void {
    if (!this.pods.has(uid)) this.pods.set(uid, { firstSeen: this.deps.clock.now(), pullMs: 0, done: false });
  }

  pulled(uid: string, ms: number): void {
    const s = this.pods.get(uid);
    if (s && !s.done) s.pullMs += ms;
  }

  /** Called with each status written: records the start once. */
  observe(pod: Pod): void {
    const s = this.pods.get(pod.metadata.uid);
    if (!s || s.done || pod.status.phase !== 'Running') return;
    const apps = pod.status.containerStatuses ?? [];
    if (apps.length === 0 || !apps.every((c) => c.state?.running)) return;
    s.done = true;
    const now = this.deps.clock.now();
    const created = Date.parse(pod.metadata.creationTimestamp);
    const sli = Math.max(0, now - (Number.isNaN(created) ? s.firstSeen : created) - s.pullMs);
    this.deps.metrics.podStarted((now - s.firstSeen) / 1000, sli / 1000);
  }

  forget(uid: string): void {
    this.pods.delete(uid);
  }
}

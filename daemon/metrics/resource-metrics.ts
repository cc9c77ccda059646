// /metrics/resource as the kubelet serves it: the last stats sample of each running container, of each pod
// (the sum of its containers) and of the node. Read at scrape time from the collector: a container gone
// from the sample is gone from the series.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ContainerUsage, ResourceUsage } from '../../agent/ports/resource-usage';

const containerLabels = (c: ContainerUsage): Record<string, string> => ({
  container: c.container,
  pod: c.pod,
  namespace: c.namespace,
});

/** Each pod's containers summed. */
function pods(list: ContainerUsage[]): { labels: Record<string, string>; cpu: number; memory: number }[] {
  const by = new Map<string, { labels: Record<string, string>; cpu: number; memory: number }>();
  for (const c of list) {
    const p = by.get(c.podUid) ?? { labels: { pod: c.pod, namespace: c.namespace }, cpu: 0, memory: 0 };
    p.cpu += c.cpuSeconds;
    p.memory += c.workingSetBytes;
    by.set(c.podUid, p);
  }
  return [...by.values()];
}

export function registerResourceMetrics(registry: Registry, usage: ResourceUsage): void {
  const registers = [registry];
  const snap = () => usage.snapshot();
  const containerLabelNames = ['container', 'pod', 'namespace'];
  new Counter({
    name: 'container_cpu_usage_seconds_total',
    help: 'Cumulative cpu time consumed by the container in core-seconds',
    labelNames: containerLabelNames,
    registers,
    collect() {
      this.reset();
      for (const c of snap().containers) this.inc(containerLabels(c), c.cpuSeconds);
    },
  });
  new Gauge({
    name: 'container_memory_working_set_bytes',
    help: 'Current working set of the container in bytes',
    labelNames: containerLabelNames,
    registers,
    collect() {
      this.reset();
      for (const c of snap().containers) this.set(containerLabels(c), c.workingSetBytes);
    },
  });
  new Gauge({
    name: 'container_start_time_seconds',
    help: 'Start time of the container since unix epoch in seconds',
    labelNames: containerLabelNames,
    registers,
    collect() {
      this.reset();
      for (const c of snap().containers) this.set(containerLabels(c), c.startTimeSeconds);
    },
  });
  new Counter({
    name: 'pod_cpu_usage_seconds_total',
    help: 'Cumulative cpu time consumed by the pod in core-seconds',
    labelNames: ['pod', 'namespace'],
    registers,
    collect() {
      this.reset();
      for (const p of pods(snap().containers)) this.inc(p.labels, p.cpu);
    },
  });
  new Gauge({
    name: 'pod_memory_working_set_bytes',
    help: 'Current working set of the pod in bytes',
    labelNames: ['pod', 'namespace'],
    registers,
    collect() {
      this.reset();
      for (const p of pods(snap().containers)) this.set(p.labels, p.memory);
    },
  });
  new Counter({
    name: 'node_cpu_usage_seconds_total',
    help: 'Cumulative cpu time consumed by the node in core-seconds',
    registers,
    collect() {
      this.reset();
      const n = snap().node;
      if (n) this.inc(n.cpuSeconds);
    },
  });
  new Gauge({
    name: 'node_memory_working_set_bytes',
    help: 'Current working set of the node in bytes',
    registers,
    collect() {
      const n = snap().node;
      if (n) this.set(n.workingSetBytes);
    },
  });
  new Gauge({
    name: 'scrape_error',
    help: '1 if there was an error while getting container metrics, 0 otherwise',
    registers,
    collect() {
      this.set(snap().error ? 1 : 0);
    },
  });
}

// The KubeletMetrics port (agent/ports/kubelet-metrics.ts) on prom-client: the kubelet's series by their
// upstream names and labels. Labels come from closed sets (operation types, container types, states), so
// the series stay bounded; the probes' per-pod series are removed with the pod.
import { Counter, Gauge, Histogram, type Registry, exponentialBuckets } from 'prom-client';
import type { Pod } from '../../agent/model/pod';
import type { ContainerType, Done, KubeletMetrics, ProbeOutcome } from '../../agent/ports/kubelet-metrics';

/** The kubelet's pod start buckets (metrics.go). */
const POD_START_BUCKETS = [
  0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700,
  3600,
];
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A pod whose sandbox runs: running, or still starting with its address given. */
const hasRunningSandbox = (p: Pod): boolean =>
  p.status.phase === 'Running' || (p.status.phase === 'Pending' && Boolean(p.status.podIP));

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;

export interface PromKubeletMetricsOptions {
  registry: Registry;
  probes: Registry;
  nodeName: string;
  pods: () => Pod[];
  /** Wall time in seconds (pleg_last_seen). */
  nowSeconds: () => number;
}

export class PromKubeletMetrics implements KubeletMetrics {
  private readonly ops: Counter<'operation_type'>;
  private readonly opErrors: Counter<'operation_type'>;
  private readonly opDuration: Histogram<'operation_type'>;
  private readonly started: Counter<'container_type'>;
  private readonly startErrors: Counter<'container_type' | 'code'>;
  private readonly restarted: Counter<'static'>;
  private readonly sandbox: Histogram<'runtime_handler'>;
  private readonly worker: Histogram<'operation_type'>;
  private readonly podStart: Histogram;
  private readonly podStartSli: Histogram;
  private readonly relistInterval: Histogram;
  private readonly relistDuration: Histogram;
  private readonly lastSeen: Gauge;
  private readonly streamOk: Counter;
  private readonly streamErrors: Counter;
  private readonly probes: Counter<'probe_type' | 'result' | 'container' | 'pod' | 'namespace' | 'pod_uid'>;
  /** The probe label sets of each pod, to remove with it. */
  private readonly probeLabels = new Map<string, Map<string, Record<string, string>>>();
  private lastRelist: bigint | undefined;

  constructor(private readonly o: PromKubeletMetricsOptions) {
    const registers = [o.registry];
    const op = { labelNames: ['operation_type'] as const, registers };
    this.ops = new Counter({
      name: 'kubelet_runtime_operations_total',
      help: 'Cumulative number of runtime operations by operation type.',
      ...op,
    });
    this.opErrors = new Counter({
      name: 'kubelet_runtime_operations_errors_total',
      help: 'Cumulative number of runtime operation errors by operation type.',
      ...op,
    });
    this.opDuration = new Histogram({
      name: 'kubelet_runtime_operations_duration_seconds',
      help: 'Duration in seconds of runtime operations. Broken down by operation type.',
      buckets: exponentialBuckets(0.005, 2.5, 14),
      ...op,
    });
    this.started = new Counter({
      name: 'kubelet_started_containers_total',
      help: 'Cumulative number of containers started',
      labelNames: ['container_type'],
      registers,
    });
    this.startErrors = new Counter({
      name: 'kubelet_started_containers_errors_total',
      help: 'Cumulative number of errors when starting containers',
      labelNames: ['container_type', 'code'],
      registers,
    });
    this.restarted = new Counter({
      name: 'kubelet_restarted_pods_total',
      help: 'Number of pods that have been restarted because they were deleted and recreated with the same UID while the kubelet was watching them (here: a pod sandbox made anew)',
      labelNames: ['static'],
      registers,
    });
    this.sandbox = new Histogram({
      name: 'kubelet_run_podsandbox_duration_seconds',
      help: 'Duration in seconds of the run_podsandbox operations. Broken down by RuntimeClass.Handler.',
      labelNames: ['runtime_handler'],
      buckets: DEFAULT_BUCKETS,
      registers,
    });
    this.worker = new Histogram({
      name: 'kubelet_pod_worker_duration_seconds',
      help: 'Duration in seconds to sync a single pod. Broken down by operation type: create, update, or sync',
      labelNames: ['operation_type'],
      buckets: DEFAULT_BUCKETS,
      registers,
    });
    this.podStart = new Histogram({
      name: 'kubelet_pod_start_duration_seconds',
      help: 'Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run',
      buckets: POD_START_BUCKETS,
      registers,
    });
    this.podStartSli = new Histogram({
      name: 'kubelet_pod_start_sli_duration_seconds',
      help: 'Duration in seconds to start a pod, excluding time to pull images, observed from the pod creation timestamp',
      buckets: POD_START_BUCKETS,
      registers,
    });
    this.relistInterval = new Histogram({
      name: 'kubelet_pleg_relist_interval_seconds',
      help: 'Interval in seconds between relisting in PLEG (here: the periodic resync of every pod).',
      buckets: exponentialBuckets(0.001, 2, 20),
      registers,
    });
    this.relistDuration = new Histogram({
      name: 'kubelet_pleg_relist_duration_seconds',
      help: 'Duration in seconds for relisting pods in PLEG (here: a periodic resync, until every pod has been synced against the runtime).',
      buckets: exponentialBuckets(0.001, 2, 20),
      registers,
    });
    this.lastSeen = new Gauge({
      name: 'kubelet_pleg_last_seen_seconds',
      help: 'Timestamp in seconds when PLEG was last seen active (here: the last event of the runtime events stream).',
      registers,
    });
    this.streamOk = new Counter({
      name: 'kubelet_evented_pleg_connection_success_total',
      help: 'The number of times the runtime events stream connected (upstream: kubelet_evented_pleg_connection_success_count).',
      registers,
    });
    this.streamErrors = new Counter({
      name: 'kubelet_evented_pleg_connection_error_total',
      help: 'The number of times the runtime events stream broke (upstream: kubelet_evented_pleg_connection_error_count).',
      registers,
    });
    this.probes = new Counter({
      name: 'prober_probe_total',
      help: 'Cumulative number of a liveness, readiness or startup probe for a container by result.',
      labelNames: ['probe_type', 'result', 'container', 'pod', 'namespace', 'pod_uid'],
      registers: [o.probes],
    });
    new Gauge({
      name: 'kubelet_node_name',
      help: "The node's name. The count is always 1.",
      labelNames: ['node'],
      registers,
    }).set({ node: o.nodeName }, 1);
    this.runningGauges(registers);
    this.restarted.inc({ static: 'false' }, 0);
  }

  private runningGauges(registers: Registry[]): void {
    const pods = this.o.pods;
    new Gauge({
      name: 'kubelet_running_pods',
      help: 'Number of pods that have a running pod sandbox',
      registers,
      collect() {
        this.set(pods().filter(hasRunningSandbox).length);
      },
    });
    new Gauge({
      name: 'kubelet_running_containers',
      help: 'Number of containers currently running',
      labelNames: ['container_state'],
      registers,
      collect() {
        const counts = { running: 0, exited: 0, created: 0 };
        for (const p of pods())
          for (const c of [
            ...(p.status.initContainerStatuses ?? []),
            ...(p.status.containerStatuses ?? []),
          ]) {
            if (c.state?.running) counts.running++;
            else if (c.state?.terminated) counts.exited++;
            else if (c.containerID) counts.created++;
          }
        for (const [state, n] of Object.entries(counts)) this.set({ container_state: state }, n);
      },
    });
  }

  runtimeOperation(operationType: string): Done {
    const start = process.hrtime.bigint();
    return (failed) => {
      const labels = { operation_type: operationType };
      this.ops.inc(labels);
      this.opDuration.observe(labels, seconds(start));
      if (failed) this.opErrors.inc(labels);
    };
  }

  containerStarted(type: ContainerType, failed: boolean): void {
    this.started.inc({ container_type: type });
    if (failed) this.startErrors.inc({ container_type: type, code: 'RunContainerError' });
  }

  runPodSandbox(): Done {
    const start = process.hrtime.bigint();
    return (failed) => {
      if (!failed) this.sandbox.observe({ runtime_handler: '' }, seconds(start));
    };
  }

  podRestarted(): void {
    this.restarted.inc({ static: 'false' });
  }

  podWorker(operation: string): Done {
    const start = process.hrtime.bigint();
    return () => this.worker.observe({ operation_type: operation }, seconds(start));
  }

  podStarted(secondsToRun: number, sliSeconds: number): void {
    this.podStart.observe(secondsToRun);
    this.podStartSli.observe(sliSeconds);
  }

  probe(o: ProbeOutcome): void {
    const labels = {
      probe_type: o.probeType,
      result: o.result,
      container: o.container,
      pod: o.pod,
      namespace: o.namespace,
      pod_uid: o.podUid,
    };
    this.probes.inc(labels);
    let sets = this.probeLabels.get(o.podUid);
    if (!sets) this.probeLabels.set(o.podUid, (sets = new Map<string, Record<string, string>>()));
    sets.set(Object.values(labels).join('\0'), labels);
  }

  runtimeEvent(): void {
    this.lastSeen.set(this.o.nowSeconds());
  }

  eventsStream(connected: boolean): void {
    (connected ? this.streamOk : this.streamErrors).inc();
  }

  relist(): Done {
    const now = process.hrtime.bigint();
    if (this.lastRelist !== undefined) this.relistInterval.observe(Number(now - this.lastRelist) / 1e9);
    this.lastRelist = now;
    return () => this.relistDuration.observe(seconds(now));
  }

  forgetPod(podUid: string): void {
    for (const labels of this.probeLabels.get(podUid)?.values() ?? []) this.probes.remove(labels);
    this.probeLabels.delete(podUid);
  }
}

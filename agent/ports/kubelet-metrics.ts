// What the sync side tells the metrics (daemon/metrics/ turns it into the kubelet's Prometheus series). A
// port, so agent/ never imports a metrics library; timings are taken by the adapter (a `done` callback),
// so no clock is read here. noMetrics is the default when the daemon does not wire any.

/** Ends a timed operation; `failed` counts it as an error too. */
export type Done = (failed?: boolean) => void;

export type ContainerType = 'container' | 'init_container' | 'ephemeral_container' | 'podsandbox';
export type PodWorkerOperation = 'create' | 'update' | 'sync' | 'kill';

export interface ProbeOutcome {
  probeType: 'Readiness' | 'Liveness' | 'Startup';
  result: 'successful' | 'failed';
  container: string;
  pod: string;
  namespace: string;
  podUid: string;
}

export interface KubeletMetrics {
  /** A container runtime call, by the kubelet's CRI operation_type (create_container, start_container...). */
  runtimeOperation(operationType: string): Done;
  /** A start of a container of this type was asked of the runtime; failed when it refused. */
  containerStarted(type: ContainerType, failed: boolean): void;
  /** A pod sandbox made and started. */
  runPodSandbox(): Done;
  /** A pod's sandbox was made anew (its containers restart with it). */
  podRestarted(): void;
  /** One sync round of a pod's worker. */
  podWorker(operation: PodWorkerOperation): Done;
  /** A pod's start: seconds from first seen to running, and the SLI (from creation, image pulls left out). */
  podStarted(seconds: number, sliSeconds: number): void;
  probe(outcome: ProbeOutcome): void;
  /** The runtime's events stream delivered an event (the evented PLEG's last seen). */
  runtimeEvent(): void;
  /** The events stream connected, or broke. */
  eventsStream(connected: boolean): void;
  /** A full relist (periodic resync of every pod) began; done once every pod's worker finished its round. */
  relist(): Done;
  /** A pod is gone: its series go with it. */
  forgetPod(podUid: string): void;
}

const noop = (): void => undefined;

export const noMetrics: KubeletMetrics = {
  runtimeOperation: () => noop,
  containerStarted: noop,
  runPodSandbox: () => noop,
  podRestarted: noop,
  podWorker: () => noop,
  podStarted: noop,
  probe: noop,
  runtimeEvent: noop,
  eventsStream: noop,
  relist: () => noop,
  forgetPod: noop,
};

// What the stats collector offers the API (metrics.k8s.io) and the metrics (/metrics/resource): the last
// sample of every running container and of the node, with CPU rates over the window between two samples.

export interface Usage {
  /** Cumulative CPU time. */
  cpuSeconds: number;
  /** CPU rate over the window, in cores. */
  cpuCores: number;
  /** usage - inactive_file, as the kubelet computes the working set. */
  workingSetBytes: number;
}

export interface ContainerUsage extends Usage {
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  /** When the container started (seconds since the epoch). */
  startTimeSeconds: number;
}

export interface UsageSnapshot {
  /** When the sample was taken (ms since the epoch); 0 before the first. */
  at: number;
  /** The window the CPU rates cover, in seconds. */
  windowSeconds: number;
  containers: ContainerUsage[];
  node: Usage | undefined;
  /** The last collection could not read the node. */
  error: boolean;
}

export interface ResourceUsage {
  snapshot(): UsageSnapshot;
}

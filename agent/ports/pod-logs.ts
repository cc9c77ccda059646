// The port the API reads container logs through (kubectl logs): a pod and a request in, a stream out.
// The API depends on this type only; agent/sync/pod-logs.ts implements it on the container runtime.
import type { Readable } from 'node:stream';
import type { Pod } from '../model/pod';
import type { LogOptions } from '../runtime/runtime';

export interface PodLogRequest extends LogOptions {
  /** App or init container; may be left out when the pod has one app container. */
  container?: string;
  /** The instance before the current one (a crashed container's last words). */
  previous?: boolean;
}

export type PodLogs = (pod: Pod, request: PodLogRequest) => Promise<Readable>;

// The port the API opens exec and attach streams through (kubectl exec / attach / cp): a pod and a request
// in, the container's streams out. agent/sync/pod-streams.ts implements it on the container runtime.
import type { Pod } from '../model/pod';
import type { StreamOptions, StreamSession } from '../runtime/exec-stream';

export interface PodStreamRequest extends StreamOptions {
  /** App or init container; the pod's default container when left out. */
  container?: string;
}

export interface PodStreams {
  /**
   * Finds the running container a request is for, or throws the Status-ready error upstream answers
   * (`container X is not valid for pod Y`, not running...). Nothing is started: the caller upgrades the
   * connection, then calls exec or attach with the id.
   */
  target(pod: Pod, container: string | undefined): Promise<{ id: string; name: string }>;
  exec(id: string, command: string[], options: StreamOptions): Promise<StreamSession>;
  attach(id: string, options: StreamOptions): Promise<StreamSession>;
}

// Drives a pod's sync rounds on the memory runtime, where every action takes effect at once.
import type { Pod } from '../../agent/model/pod';
import type { Harness } from './harness';

/** Waits for every queued sync round of the pod, and returns the pod as stored then. */
export async function settle(h: Harness, name: string): Promise<Pod> {
  for (let i = 0; i < 5; i++) await h.manager.syncNow(h.pod(name)!);
  return h.pod(name)!;
}

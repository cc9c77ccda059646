// Deletes every pod at once (grace 0) and resolves when the sync loop has removed them all, their
// containers and volumes with them: the agent's part of `docker-compose down`, so nothing it made
// outlives it and no sandbox it still watches is recreated behind the caller's back.
import { MiniKubeletError } from '../errors';
import type { Pod } from '../model/pod';
import type { ObjectStore } from '../store/object-store';
import type { PodRegistry } from './pod-registry';

export interface DeleteAllPodsDeps {
  store: ObjectStore<Pod>;
  registry: Pick<PodRegistry, 'delete'>;
}

/** Resolves with how many pods there were once the store holds none. */
export async function deleteAllPods({ store, registry }: DeleteAllPodsDeps): Promise<number> {
  const pods = store.list();
  for (const { metadata: m } of pods) {
    try {
      registry.delete(m.namespace, m.name, { gracePeriodSeconds: 0 });
    } catch (err) {
      if (!(err instanceof MiniKubeletError) || err.code !== 'NotFound') throw err; // gone meanwhile: fine
    }
  }
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (store.list().length > 0) return;
      off();
      resolve();
    };
    const off = store.onChange(check);
    check();
  });
  return pods.length;
}

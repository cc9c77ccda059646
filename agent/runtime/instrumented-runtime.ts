// A ContainerRuntime that reports each call to the metrics port: runtime operations by the kubelet's CRI
// operation_type (count, errors, duration), containers started (by type, and failures), sandbox runs and
// pods whose sandbox was made anew. The same calls otherwise; streams and the events watch pass through.
import type { ContainerType, KubeletMetrics } from '../ports/kubelet-metrics';
import type { ContainerKind, ContainerRuntime } from './runtime';

/** Each timed method and the operation_type it counts as (CRI names where the CRI has the call). */
export const OPERATION_TYPES = {
  ping: 'status',
  version: 'version',
  ensureNetwork: 'ensure_network',
  listContainers: 'list_containers',
  ensureImage: 'pull_image',
  createSandbox: 'run_podsandbox',
  createContainer: 'create_container',
  startContainer: 'start_container',
  stopContainer: 'stop_container',
  removeContainer: 'remove_container',
  ensureVolume: 'ensure_volume',
  listVolumes: 'list_volumes',
  removeVolume: 'remove_volume',
  logs: 'container_logs',
  exec: 'exec_sync',
} as const satisfies Partial<Record<keyof ContainerRuntime, string>>;

type Timed = keyof typeof OPERATION_TYPES;
const CONTAINER_TYPE: Record<ContainerKind, ContainerType> = {
  sandbox: 'podsandbox',
  init: 'init_container',
  app: 'container',
  ephemeral: 'ephemeral_container',
};

export function instrumentRuntime(inner: ContainerRuntime, metrics: KubeletMetrics): ContainerRuntime {
  /** What each created container is, by id (a start names only the id); dropped on remove. */
  const kinds = new Map<string, ContainerType>();
  const timed = async <R>(op: Timed, call: () => Promise<R>): Promise<R> => {
    const done = metrics.runtimeOperation(OPERATION_TYPES[op]);
    try {
      const r = await call();
      done(false);
      return r;
    } catch (err) {
      done(true);
      throw err;
    }
  };
  const calls: Partial<ContainerRuntime> = {
    createSandbox: async (spec, network) => {
      const done = metrics.runPodSandbox();
      let ok = false;
      try {
        const sandbox = await timed('createSandbox', () => inner.createSandbox(spec, network));
        ok = true;
        if (spec.identity.attempt > 0) metrics.podRestarted();
        return sandbox;
      } finally {
        done(!ok);
        metrics.containerStarted('podsandbox', !ok);
      }
    },
    createContainer: async (spec) => {
      const id = await timed('createContainer', () => inner.createContainer(spec));
      kinds.set(id, CONTAINER_TYPE[spec.identity.kind]);
      return id;
    },
    startContainer: async (id) => {
      let ok = false;
      try {
        await timed('startContainer', () => inner.startContainer(id));
        ok = true;
      } finally {
        metrics.containerStarted(kinds.get(id) ?? 'container', !ok);
      }
    },
    removeContainer: async (id) => {
      await timed('removeContainer', () => inner.removeContainer(id));
      kinds.delete(id);
    },
  };
  const methods = inner as unknown as Record<Timed, (...args: unknown[]) => Promise<unknown>>;
  for (const op of Object.keys(OPERATION_TYPES) as Timed[]) {
    if (calls[op]) continue;
    (calls as Record<string, unknown>)[op] = (...args: unknown[]) => timed(op, () => methods[op](...args));
  }
  return new Proxy(inner, {
    get: (target, prop, receiver) =>
      (prop in calls ? calls[prop as keyof ContainerRuntime] : undefined) ??
      (Reflect.get(target, prop, receiver) as unknown),
  });
}

// Knows which init container of each pod runs now, from the runtime calls themselves: an init container
// counts as running from the moment its start is asked for (it may look a name up before the engine's
// answer arrives), and every listing of a pod's containers corrects the picture. Wraps the runtime the
// sync loop uses; the daemon passes runningInit to the ServiceNotFound reporter.
import type { RunningInitContainer } from '../ports/running-init';
import type { ContainerIdentity, ContainerRuntime, ObservedContainer } from '../runtime/runtime';

export class RunningInitTracker {
  /** Init containers this runtime created, by id (start calls name only the id). */
  private readonly inits = new Map<string, ContainerIdentity>();
  /** Pod uid -> init container running (or being started) now. */
  private readonly current = new Map<string, string>();
  /** Pods with a start in flight: a listing taken meanwhile may not show it running yet. */
  private readonly starting = new Map<string, number>();

  readonly runningInit: RunningInitContainer = (podUid) => this.current.get(podUid);

  /** The runtime to give the sync loop: the same calls, watched. */
  wrap(inner: ContainerRuntime): ContainerRuntime {
    const calls: Partial<ContainerRuntime> = {
      createContainer: async (spec) => {
        const id = await inner.createContainer(spec);
        if (spec.identity.kind === 'init') this.inits.set(id, spec.identity);
        return id;
      },
      startContainer: (id) => this.start(inner, id),
      listContainers: async (podUid) => {
        const list = await inner.listContainers(podUid);
        this.observe(list, podUid);
        return list;
      },
      removeContainer: async (id) => {
        await inner.removeContainer(id);
        this.inits.delete(id);
      },
    };
    return new Proxy(inner, {
      get: (target, prop, receiver) =>
        (prop in calls ? calls[prop as keyof ContainerRuntime] : undefined) ??
        (Reflect.get(target, prop, receiver) as unknown),
    });
  }

  private async start(inner: ContainerRuntime, id: string): Promise<void> {
    const init = this.inits.get(id);
    if (!init) return inner.startContainer(id);
    const uid = init.podUid;
    this.current.set(uid, init.name);
    this.starting.set(uid, (this.starting.get(uid) ?? 0) + 1);
    try {
      await inner.startContainer(id);
    } catch (err) {
      if (this.current.get(uid) === init.name) this.current.delete(uid); // not running: unsure again
      throw err;
    } finally {
      const left = (this.starting.get(uid) ?? 1) - 1;
      if (left > 0) this.starting.set(uid, left);
      else this.starting.delete(uid);
    }
  }

  /** A listing is the runtime's truth for the pods it covers (all pods when podUid is undefined). */
  private observe(list: readonly ObservedContainer[], podUid: string | undefined): void {
    const running = new Map<string, string>();
    for (const c of list) {
      if (c.kind === 'init' && c.state === 'running' && !running.has(c.podUid)) running.set(c.podUid, c.name);
    }
    const pods = podUid !== undefined ? [podUid] : [...new Set([...this.current.keys(), ...running.keys()])];
    for (const uid of pods) {
      if (this.starting.has(uid)) continue;
      const name = running.get(uid);
      if (name) this.current.set(uid, name);
      else this.current.delete(uid);
    }
    if (podUid !== undefined && !list.length) {
      for (const [id, c] of this.inits) if (c.podUid === podUid) this.inits.delete(id);
    }
  }
}

// What the events stream tells about each container's life: when it was created, started and exited, with
// which code, and whether the kernel killed it for memory. A container the agent saw start is then described
// from these facts and its listing, without an inspect: an init container like `true` is already dying when
// the worker looks at it after starting it, and Docker holds a dying container's lock until its cleanup
// (unmounts, network) is done, so that inspect waited ~20 ms on the path from one init container to the next
// (BENCHMARKS.md, pod start). The listing also still says `running` for a moment after `die`.
import type Docker from 'dockerode';
import { identityFromLabels } from './labels';
import type { ObservedContainer } from './runtime';

interface Facts {
  image?: string;
  createdAt?: number;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  oomKilled?: boolean;
}

export class ContainerFacts {
  private readonly byId = new Map<string, Facts>();

  /** Bounded: past `maxContainers` the facts are forgotten (the adapter then inspects, as before). */
  constructor(private readonly maxContainers = 5000) {}

  /** One container event: its action, the engine's time (ms) and its attributes. */
  record(action: string, id: string, timeMs: number, attributes: Record<string, string>): void {
    if (action === 'destroy') {
      this.byId.delete(id);
      return;
    }
    let f = this.byId.get(id);
    if (!f) {
      if (this.byId.size >= this.maxContainers) this.byId.clear();
      this.byId.set(id, (f = {}));
    }
    if (action === 'create') {
      f.createdAt = timeMs;
      if (attributes.image) f.image = attributes.image;
    } else if (action === 'start') {
      f.startedAt = timeMs; // (started again by hand: the last exit no longer describes it)
      delete f.finishedAt;
      delete f.exitCode;
      delete f.oomKilled;
    } else if (action === 'oom') {
      f.oomKilled = true;
    } else if (action === 'die') {
      const code = Number(attributes.exitCode);
      if (attributes.exitCode !== undefined && Number.isInteger(code)) {
        f.exitCode = code;
        f.finishedAt = timeMs;
      }
    }
  }

  /**
   * A container as an inspect would describe it, when its events tell all of it. Exited when `die` came after
   * its last `start`, whatever the listing says (it still says `running` for a moment after `die`); running
   * when the listing agrees, except a sandbox, whose IP only an inspect gives.
   */
  observed(s: Docker.ContainerInfo): ObservedContainer | undefined {
    const f = this.byId.get(s.Id);
    if (f?.createdAt === undefined || f.startedAt === undefined) return undefined;
    const exit =
      f.finishedAt !== undefined && f.exitCode !== undefined
        ? { finishedAt: f.finishedAt, exitCode: f.exitCode }
        : undefined;
    if (!exit && s.State !== 'running') return undefined;
    const identity = identityFromLabels(s.Labels ?? {});
    if (!identity || (!exit && identity.kind === 'sandbox')) return undefined;
    return {
      ...identity,
      id: s.Id,
      state: exit ? 'exited' : 'running',
      exitCode: exit?.exitCode ?? 0,
      oomKilled: f.oomKilled ?? false,
      createdAt: f.createdAt,
      startedAt: f.startedAt,
      ...(exit ? { finishedAt: exit.finishedAt } : {}),
      image: f.image ?? s.Image,
      imageId: s.ImageID,
      ...(s.HostConfig?.NetworkMode === 'host' ? { hostNetwork: true } : {}),
    };
  }
}

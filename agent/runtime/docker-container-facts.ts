// What the events stream tells about each container's life: when it was created, started and exited, with
// which code, and whether the kernel killed it for memory. An exited container is then described from its
// listing and these facts, without an inspect: right after `die` Docker holds the container's lock until its
// cleanup (unmounts, network) is done, so an inspect there waited ~9 ms on the path from one init container
// to the next (BENCHMARKS.md, pod start).
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
      f.startedAt = timeMs;
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

  /** An exited container as an inspect would describe it, when its listing and events tell all of it. */
  exited(s: Docker.ContainerInfo): ObservedContainer | undefined {
    const f = this.byId.get(s.Id);
    if (
      f?.createdAt === undefined ||
      f.startedAt === undefined ||
      f.finishedAt === undefined ||
      f.exitCode === undefined
    )
      return undefined;
    const identity = identityFromLabels(s.Labels ?? {});
    if (!identity) return undefined;
    return {
      ...identity,
      id: s.Id,
      state: 'exited',
      exitCode: f.exitCode,
      oomKilled: f.oomKilled ?? false,
      createdAt: f.createdAt,
      startedAt: f.startedAt,
      finishedAt: f.finishedAt,
      image: f.image ?? s.Image,
      imageId: s.ImageID,
      ...(s.HostConfig?.NetworkMode === 'host' ? { hostNetwork: true } : {}),
    };
  }
}

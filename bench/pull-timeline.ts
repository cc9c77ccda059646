// The engine's own times of a cold start with pulls: each image's `pull` event (sent when the pull has
// ended) and the create/start events of one pod's containers, from one events stream opened before the
// POST. The image-pull part says from them where the time after the pulls goes.
import type { Readable } from 'node:stream';
import { docker } from './engine';
import { eachJsonLine } from './json-lines';

interface EngineEvent {
  Type?: string;
  Action?: string;
  timeNano?: number;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

const POD = 'io.kubernetes.pod.name';
const CONTAINER = 'io.kubernetes.container.name';

export class PullTimeline {
  /** Wall-clock ms of each image's pull event, by its reference (with and without the tag). */
  readonly pulled = new Map<string, number>();
  /** Wall-clock ms of `create` and `start` of the pod's containers, by container name. */
  readonly created = new Map<string, number>();
  readonly started = new Map<string, number>();

  /** `stream`: the engine's events as newline-delimited JSON (open() asks the engine for it). */
  constructor(
    private readonly stream: Readable,
    pod: string,
  ) {
    eachJsonLine(stream, (value) => {
      const e = value as EngineEvent;
      const at = (e.timeNano ?? NaN) / 1e6;
      const attrs = e.Actor?.Attributes ?? {};
      if (e.Type === 'image' && e.Action === 'pull')
        for (const ref of [e.Actor?.ID, attrs['name']]) if (ref) this.pulled.set(ref, at);
      if (e.Type !== 'container' || attrs[POD] !== pod || !attrs[CONTAINER]) return;
      if (e.Action === 'create') this.created.set(attrs[CONTAINER], at);
      if (e.Action === 'start') this.started.set(attrs[CONTAINER], at);
    });
  }

  static async open(pod: string): Promise<PullTimeline> {
    const stream = (await docker.getEvents({
      filters: { type: ['image', 'container'], event: ['pull', 'create', 'start'] },
    })) as unknown as Readable;
    return new PullTimeline(stream, pod);
  }

  /** Waits (briefly) until the stream has brought the pod's last start. */
  async settle(container: string, timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.started.has(container) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  close(): void {
    this.stream.destroy();
  }
}

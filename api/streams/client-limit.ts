// How many streams (exec, attach, port-forward) one client address holds at once: a bound, so one client
// cannot exhaust the agent's sockets or the engine's exec slots.
import { MiniKubeletError } from '../../agent/errors';

/** Concurrent streams one client address may hold; more are refused with 429. */
export const MAX_STREAMS_PER_CLIENT = 64;

export class ClientLimit {
  private readonly held = new Map<string, number>();

  constructor(private readonly max = MAX_STREAMS_PER_CLIENT) {}

  /** Takes a slot for the client, or throws TooManyRequests; the returned function gives it back (once). */
  take(client: string): () => void {
    const n = this.held.get(client) ?? 0;
    if (n >= this.max)
      throw new MiniKubeletError('TooManyRequests', `too many streams from ${client} (at most ${this.max})`);
    this.held.set(client, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(client) ?? 1) - 1;
      if (left > 0) this.held.set(client, left);
      else this.held.delete(client);
    };
  }
}

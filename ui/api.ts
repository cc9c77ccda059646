// The page's only way to the API: fetch with the bearer token when one was given (the same rules as any
// client: on loopback the daemon may ask for none), watches read as streaming JSON lines, logs as text.
import type { WatchEvent } from './types.js';

const TOKEN_KEY = 'minikubelet.token';
/** After a dropped connection, the watch is opened again this much later (a reconnect, not a poll). */
const RECONNECT_MS = 2000;
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';

export interface WatchHandlers<T> {
  /** One ADDED, MODIFIED or DELETED event. */
  event(e: WatchEvent<T>): void;
  /** The watch starts over (its version expired): forget what it delivered. */
  reset(): void;
  /** A chunk of events was handed over: a good moment to draw. */
  flush(): void;
  /** Every object that existed when the watch opened has been delivered. */
  synced?(): void;
}

export class Api {
  constructor(
    private readonly onUnauthorized: () => void,
    private readonly onConnection: (state: 'live' | 'reconnecting') => void,
  ) {}

  static setToken(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  }

  private headers(accept = 'application/json'): Record<string, string> {
    const token = sessionStorage.getItem(TOKEN_KEY);
    return { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  }

  private async open(path: string, signal: AbortSignal, accept?: string): Promise<Response | undefined> {
    const res = await fetch(path, { headers: this.headers(accept), signal });
    if (res.status === 401) {
      this.onUnauthorized();
      return undefined;
    }
    return res;
  }

  /** Watches a collection from its current objects on, until the returned function is called. */
  watch<T extends { metadata: { resourceVersion?: string } }>(
    collection: string,
    handlers: WatchHandlers<T>,
    opts: { accept?: string; query?: string } = {},
  ): () => void {
    const ctrl = new AbortController();
    let version: string | undefined;
    const sep = collection.includes('?') ? '&' : '?';
    const url = (): string =>
      `${collection}${sep}watch=1&allowWatchBookmarks=true${opts.query ? `&${opts.query}` : ''}` +
      (version ? `&resourceVersion=${version}` : '&sendInitialEvents=true&resourceVersionMatch=NotOlderThan');
    const line = (text: string): 'expired' | undefined => {
      const e = JSON.parse(text) as WatchEvent<T>;
      if (e.type === 'ERROR') return 'expired';
      version = e.object.metadata.resourceVersion ?? version;
      if (e.type !== 'BOOKMARK') handlers.event(e);
      else if (
        (e.object.metadata as { annotations?: Record<string, string> }).annotations?.[INITIAL_EVENTS_END]
      )
        handlers.synced?.();
      return undefined;
    };
    const once = async (): Promise<'again' | 'stop'> => {
      const res = await this.open(url(), ctrl.signal, opts.accept);
      if (!res) return 'stop';
      if (res.status === 410 || !res.body) {
        version = undefined;
        handlers.reset();
        return 'again';
      }
      if (!res.ok) throw new Error(`watch ${collection}: HTTP ${res.status}`);
      this.onConnection('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'again'; // the server's timeout: go on from the last version
        buf += value;
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const text = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (text && line(text) === 'expired') {
            version = undefined;
            handlers.reset();
            await reader.cancel();
            return 'again';
          }
        }
        handlers.flush();
      }
    };
    const run = async (): Promise<void> => {
      while (!ctrl.signal.aborted) {
        try {
          if ((await once()) === 'stop') return;
        } catch {
          if (ctrl.signal.aborted) return;
          this.onConnection('reconnecting');
          await new Promise((r) => setTimeout(r, RECONNECT_MS));
        }
      }
    };
    void run();
    return () => ctrl.abort();
  }

  /** One text document (a /metrics scrape); undefined when refused or aborted. */
  async text(path: string, signal: AbortSignal): Promise<string | undefined> {
    const res = await this.open(path, signal, 'text/plain');
    if (!res) return undefined;
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    return res.text();
  }

  /** Streams a text body (a followed log) into `onText`; `onEnd` with an error text when it fails. */
  stream(path: string, onText: (text: string) => void, onEnd: (error?: string) => void): () => void {
    const ctrl = new AbortController();
    const run = async (): Promise<void> => {
      const res = await this.open(path, ctrl.signal);
      if (!res) return onEnd('unauthorized');
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => ({}))) as { message?: string };
        return onEnd(body.message ?? `HTTP ${res.status}`);
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return onEnd();
        onText(value);
      }
    };
    run().catch((err: unknown) => {
      if (!ctrl.signal.aborted) onEnd(String(err));
    });
    return () => ctrl.abort();
  }
}

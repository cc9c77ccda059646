// The DevTools protocol of a child Node process started with `--inspect=127.0.0.1:PORT`: the soak uses it to
// read the daemon's heap after a full GC, the one memory figure that does not move with GC timing (RSS does).
import { createWriteStream } from 'node:fs';
import WebSocket from 'ws';

/** A session on one inspector target; every call is bounded and fails with the method's name. */
export class InspectorSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private onChunk: ((chunk: string) => void) | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString('utf8')) as {
        id?: number;
        method?: string;
        params?: { chunk?: string };
        result?: unknown;
        error?: unknown;
      };
      if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') this.onChunk?.(msg.params?.chunk ?? '');
      const call = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!call || msg.id === undefined) return;
      this.pending.delete(msg.id);
      if (msg.error) call.reject(new Error(`inspector: ${JSON.stringify(msg.error)}`));
      else call.resolve(msg.result);
    });
    ws.on('close', () => this.failAll(new Error('inspector: the connection closed')));
    ws.on('error', (err) => this.failAll(err));
  }

  /** Connects to the first target of the inspector on 127.0.0.1:port, retrying until timeoutMs. */
  static async connect(port: number, timeoutMs = 10_000): Promise<InspectorSession> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
          webSocketDebuggerUrl: string;
        }[];
        const url = targets[0]?.webSocketDebuggerUrl;
        if (!url) throw new Error('no target');
        return await open(url);
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(
            `inspector on 127.0.0.1:${port} not reachable within ${timeoutMs} ms: ${String(err)}`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    function open(url: string): Promise<InspectorSession> {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.once('open', () => resolve(new InspectorSession(ws)));
        ws.once('error', reject);
      });
    }
  }

  call<T>(method: string, params: object = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector: ${method} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Bytes used on the JS heap right after a full (major, compacting) collection. */
  async heapAfterGc(): Promise<number> {
    await this.call('HeapProfiler.collectGarbage');
    return (await this.call<{ usedSize: number }>('Runtime.getHeapUsage')).usedSize;
  }

  /** Writes a heap snapshot (after a full GC, as the DevTools' Memory tab takes it) to `path`. */
  async writeHeapSnapshot(path: string): Promise<void> {
    const out = createWriteStream(path);
    this.onChunk = (chunk) => out.write(chunk);
    try {
      await this.call('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, 300_000);
    } finally {
      this.onChunk = undefined;
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
    }
  }

  close(): void {
    this.ws.close();
  }

  private failAll(err: Error): void {
    for (const call of this.pending.values()) call.reject(err);
    this.pending.clear();
  }
}

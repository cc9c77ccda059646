// A counting pass-through in front of the engine's socket: the agent under test is pointed at it
// (DOCKER_HOST), and every request it sends is counted by kind (method + path with ids replaced), so a
// benchmark can say how many engine calls a pod costs the agent against the raw side's known calls.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ENGINE_SOCKET = '/var/run/docker.sock';
const REQUEST_LINE = /^(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1\.[01]\r$/gm;

/** `POST /v1.41/containers/abc123/start?x=1` -> `POST /containers/{id}/start`. */
export function callKind(method: string, url: string): string {
  const path = (url.split('?')[0] ?? '')
    .replace(/^\/v\d+\.\d+/, '')
    .replace(/^\/(containers|images|networks|volumes|exec)\/(?!json$|create$|prune$)[^/]+/, '/$1/{id}');
  return `${method} ${path}`;
}

export class EngineCallCounter {
  readonly socket: string;
  private readonly counts = new Map<string, number>();
  private readonly dir: string;
  private readonly server: net.Server;

  private constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'mkb-engine-proxy-'));
    this.socket = join(this.dir, 'docker.sock');
    this.server = net.createServer((client) => {
      const upstream = net.connect(ENGINE_SOCKET);
      client.on('data', (chunk: Buffer) => this.count(chunk));
      client.pipe(upstream).pipe(client);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end);
      upstream.on('error', end);
      client.on('close', end);
      upstream.on('close', end);
    });
  }

  static async open(): Promise<EngineCallCounter> {
    const c = new EngineCallCounter();
    await new Promise<void>((resolve, reject) => {
      c.server.once('error', reject);
      c.server.listen(c.socket, resolve);
    });
    return c;
  }

  private count(chunk: Buffer): void {
    for (const m of chunk.toString('latin1').matchAll(REQUEST_LINE)) {
      const kind = callKind(m[1] ?? '', m[2] ?? '');
      this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    }
  }

  /** The counts so far, and starts counting afresh. */
  take(): Map<string, number> {
    const out = new Map(this.counts);
    this.counts.clear();
    return out;
  }

  close(): void {
    this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

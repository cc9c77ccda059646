// Debian's docker-registry (the CNCF distribution registry) on a free loopback port, plain HTTP without auth
// (dockerd treats 127.0.0.0/8 as an insecure registry by default, so no certificate is needed), and images
// of realistic size built here to push to it: busybox plus one layer of random bytes each, distinct content
// every time, so a pull has real layers to fetch and unpack. Used by the image-pull bench and the
// integration test of early pulls; test/integration/private-registry.spec.ts adds TLS and auth itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { stopChild } from '../tools/child';
import { freePort } from '../tools/free-port';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

/** Resolves once something accepts connections on ip:port; fails after `ms`. */
export async function waitForPort(ip: string, port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, ip, () => {
        s.end();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on ${ip}:${port} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Follows a push or pull stream; an error line in it fails. */
export function follow(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
      const failed = err ?? out.find((o) => o.error);
      if (failed) reject(failed instanceof Error ? failed : new Error(String(failed.error)));
      else resolve();
    });
  });
}

/** Removes local images by reference, ignoring those that are not there. */
export async function removeImages(docker: Docker, refs: readonly string[]): Promise<void> {
  for (const r of refs)
    await docker
      .getImage(r)
      .remove({ force: true })
      .catch(() => undefined);
}

export class LoopbackRegistry {
  private constructor(
    /** `127.0.0.1:port`, the prefix of the images pushed here. */
    readonly host: string,
    readonly child: ChildProcess,
    private readonly dir: string,
    private readonly docker: Docker,
  ) {}

  static async start(docker: Docker): Promise<LoopbackRegistry> {
    if (!existsSync(REGISTRY_BIN))
      throw new Error(`${REGISTRY_BIN} is missing: apt-get install docker-registry (Debian)`);
    const dir = mkdtempSync(join(tmpdir(), 'mk-loopback-registry-'));
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const config = join(dir, 'config.yml');
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log: { level: error }',
        `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} } }`,
        `http: { addr: "${host}" }`,
        '',
      ].join('\n'),
    );
    const child = spawn(REGISTRY_BIN, ['serve', config], { stdio: 'ignore' });
    const registry = new LoopbackRegistry(host, child, dir, docker);
    try {
      await waitForPort('127.0.0.1', port, 10_000);
    } catch (err) {
      await registry.stop();
      throw new Error(`docker-registry did not listen on ${host} (port taken meanwhile?): ${String(err)}`);
    }
    return registry;
  }

  /** Builds `host/repo:tag`: busybox plus `mb` MiB of random bytes in one layer (new content each call). */
  async build(base: string, repo: string, tag: string, mb: number): Promise<string> {
    const c = await this.docker.createContainer({
      Image: base,
      Entrypoint: ['sh', '-c', `head -c ${mb * 1024 * 1024} /dev/urandom > /blob`],
    });
    try {
      await c.start();
      await c.wait();
      await c.commit({ repo: `${this.host}/${repo}`, tag });
      return `${this.host}/${repo}:${tag}`;
    } finally {
      await c.remove({ force: true }).catch(() => undefined);
    }
  }

  /** Tags a local image as `ref` (one of this registry's) and pushes it. */
  async push(source: string, ref: string): Promise<void> {
    const colon = ref.lastIndexOf(':');
    if (source !== ref)
      await this.docker.getImage(source).tag({ repo: ref.slice(0, colon), tag: ref.slice(colon + 1) });
    // the engine wants an X-Registry-Auth header even for a registry without auth
    const authconfig = { username: '', password: '', serveraddress: this.host };
    await follow(this.docker, await this.docker.getImage(ref).push({ authconfig }));
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 2_000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// podman 4.3 `kube play` as a peer, set up as /work/shared/docs/docker-floor-and-podman.md §2.1 says it
// runs here: catatonit for its pause image, a private containers.conf whose ulimits stay within this
// sandbox's hard limits, busybox imported from the local Docker image with a PATH, and restartPolicy
// OnFailure (podman 4.3 restarts init containers under Always). Everything it creates is removed at the end:
// pods, the images, the kube network, netavark's iptables chains and rules, the scratch folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BUSYBOX, docker } from './engine';
import { run, which } from './system';

export const PODMAN_IMAGE = 'localhost/busybox:latest';
const KUBE_NETWORK = 'podman-default-kube-network';
const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The tutorial pod's shape with `true` init containers, as kube play wants it. */
export function podmanManifest(name: string): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  restartPolicy: OnFailure',
    '  initContainers:',
    ...['init1', 'init2'].flatMap((c) => [
      `    - name: ${c}`,
      `      image: ${PODMAN_IMAGE}`,
      '      imagePullPolicy: IfNotPresent', // else kube play tries a registry for a :latest image first
      "      command: ['true']",
    ]),
    '  containers:',
    '    - name: app',
    `      image: ${PODMAN_IMAGE}`,
    '      imagePullPolicy: IfNotPresent',
    "      command: ['sleep', '3600']",
    '',
  ].join('\n');
}

interface Before {
  images: Set<string>;
  networks: Set<string>;
  iptables: Record<'filter' | 'nat', Set<string>>;
}

async function iptablesLines(table: 'filter' | 'nat'): Promise<string[]> {
  const r = await run('iptables', ['-t', table, '-S'], { timeoutMs: 10_000 });
  return r.code === 0 ? r.stdout.split('\n').filter((l) => l) : [];
}

export class Podman {
  readonly version: string;
  private readonly pods = new Set<string>();

  private constructor(
    private readonly dir: string,
    private readonly before: Before,
    version: string,
  ) {
    this.version = version;
  }

  private static env(dir: string): NodeJS.ProcessEnv {
    return { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf') };
  }

  /** Sets podman up, or says in one line why it cannot run here. */
  static async setup(): Promise<Podman | { unavailable: string }> {
    if (!(await which('podman'))) return { unavailable: 'podman is not installed' };
    if (!(await which('catatonit'))) {
      return { unavailable: 'catatonit is missing (podman 4.3 builds its pause image from it)' };
    }
    const version = (await run('podman', ['--version'], { timeoutMs: 10_000 })).stdout.trim();
    const limits = await run('bash', ['-c', 'ulimit -Hn'], { timeoutMs: 5_000 });
    const nofile = Math.min(Number(limits.stdout.trim()) || 20_000, 20_000);
    const dir = mkdtempSync(join(tmpdir(), 'mkb-podman-'));
    // podman as root asks for 1048576 open files and processes; without CAP_SYS_RESOURCE runc may only lower
    // them. The values are the doc's: higher nproc values (even this shell's hard limit) fail in runc here.
    writeFileSync(
      join(dir, 'containers.conf'),
      `[containers]\ndefault_ulimits = ["nofile=${nofile}:${nofile}", "nproc=32768:32768"]\n`,
    );
    const env = Podman.env(dir);
    const images = await run('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { env });
    const networks = await run('podman', ['network', 'ls', '--format', '{{.Name}}'], { env });
    const before: Before = {
      images: new Set(images.stdout.split('\n').filter((l) => l)),
      networks: new Set(networks.stdout.split('\n').filter((l) => l)),
      iptables: { filter: new Set(await iptablesLines('filter')), nat: new Set(await iptablesLines('nat')) },
    };
    const podman = new Podman(dir, before, version);
    try {
      if (!before.images.has(PODMAN_IMAGE)) await podman.importBusybox();
      // Warm-up (not measured): builds podman's pause image and the kube network.
      const warm = await podman.play('mkb-podman-warmup');
      if (!warm.ok) throw new Error(warm.error);
      await podman.remove('mkb-podman-warmup');
    } catch (err) {
      await podman.cleanup();
      return { unavailable: err instanceof Error ? err.message : String(err) };
    }
    return podman;
  }

  /** busybox from the local Docker image (no registry): docker export | podman import, with a PATH. */
  private async importBusybox(): Promise<void> {
    const c = await docker.createContainer({ Image: BUSYBOX, Cmd: ['true'] });
    try {
      const stream = (await c.export()) as unknown as Readable;
      const r = await run('podman', ['import', '--change', PATH_ENV, '-', PODMAN_IMAGE], {
        env: Podman.env(this.dir),
        input: stream,
        timeoutMs: 60_000,
      });
      if (r.code !== 0) throw new Error(`podman import failed: ${r.stderr.trim().split('\n').pop() ?? ''}`);
    } finally {
      await c.remove({ force: true });
    }
  }

  /** `podman kube play` of the pod; ms until the command returns (the app is then started). */
  async play(name: string): Promise<{ ok: boolean; ms: number; error: string }> {
    const file = join(this.dir, `${name}.yaml`);
    writeFileSync(file, podmanManifest(name));
    this.pods.add(name);
    const r = await run('podman', ['kube', 'play', file], { env: Podman.env(this.dir), timeoutMs: 60_000 });
    const error = r.code === 0 ? '' : `kube play rc ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}`;
    return { ok: r.code === 0, ms: r.ms, error };
  }

  async remove(name: string): Promise<void> {
    await run('podman', ['pod', 'rm', '-f', '-t', '0', name], {
      env: Podman.env(this.dir),
      timeoutMs: 60_000,
    });
    this.pods.delete(name);
  }

  /** Removes what this run created: pods, images, the kube network, netavark's iptables state. */
  async cleanup(): Promise<void> {
    const env = Podman.env(this.dir);
    for (const name of [...this.pods]) await this.remove(name);
    if (!this.before.networks.has(KUBE_NETWORK))
      await run('podman', ['network', 'rm', '-f', KUBE_NETWORK], { env, timeoutMs: 30_000 });
    const images = await run('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}'], { env });
    const made = images.stdout.split('\n').filter((l) => l && !this.before.images.has(l));
    if (made.length) await run('podman', ['rmi', '-f', ...made], { env, timeoutMs: 30_000 });
    // netavark leaves its chains and jumps behind; remove only the NETAVARK ones that were not there before.
    for (const table of ['filter', 'nat'] as const) {
      const added = (await iptablesLines(table)).filter(
        (l) => !this.before.iptables[table].has(l) && l.includes('NETAVARK'),
      );
      for (const rule of added.filter((l) => l.startsWith('-A '))) {
        await run('sh', ['-c', `iptables -t ${table} -D ${rule.slice(3)}`], { timeoutMs: 10_000 });
      }
      for (const chain of added.filter((l) => l.startsWith('-N ')).map((l) => l.slice(3))) {
        await run('iptables', ['-t', table, '-F', chain], { timeoutMs: 10_000 });
        await run('iptables', ['-t', table, '-X', chain], { timeoutMs: 10_000 });
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

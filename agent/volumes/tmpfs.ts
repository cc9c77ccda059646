// Memory-backed directories for Secret volumes, as the kubelet mounts a tmpfs for each one: the agent runs
// as root on the host and calls mount(8). Where mounting is not permitted (the agent in a container without
// CAP_SYS_ADMIN), `mount` reports false and the caller decides (docs/configuration.md). mount(8) runs as a
// child the event loop does not wait on: other pods and the API go on meanwhile.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Tmpfs {
  /** Mounts a tmpfs on `dir` (an existing, empty directory); false when that is not permitted here. */
  mount(dir: string): Promise<boolean>;
  /** Unmounts every mount at or under `dir`, deepest first. */
  unmountUnder(dir: string): Promise<void>;
  isMounted(dir: string): boolean;
}

/** Mount points from /proc/self/mountinfo (field 5, octal escapes decoded). */
function mountPoints(): string[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))));
}

/** The mount points at or under dir, deepest first. */
export function mountsUnder(dir: string): string[] {
  return mountPoints()
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

const UMOUNT = (p: string): string[] => ['-l', p]; // lazily: a container still using it keeps its view

/** Detaches every mount at or under dir at once (tests and shutdown, where nothing else waits). */
export function unmountUnder(dir: string): void {
  for (const p of mountsUnder(dir)) spawnSync('umount', UMOUNT(p), { stdio: 'ignore', timeout: 10_000 });
}

/** Runs a command to its end; true when it exited 0. */
const succeeds = (cmd: string, args: string[]): Promise<boolean> =>
  new Promise((resolve) => execFile(cmd, args, { timeout: 10_000 }, (err) => resolve(!err)));

export const hostTmpfs: Tmpfs = {
  mount: (dir) => succeeds('mount', ['-t', 'tmpfs', '-o', 'mode=0755,nosuid,nodev', 'tmpfs', dir]),
  async unmountUnder(dir) {
    for (const p of mountsUnder(dir)) await succeeds('umount', UMOUNT(p));
  },
  isMounted: (dir) => mountsUnder(dir).includes(dir),
};

/** No tmpfs (unit tests, or mounting turned off): Secret volumes are plain directories. */
export const noTmpfs: Tmpfs = {
  mount: () => Promise.resolve(false),
  unmountUnder: () => Promise.resolve(),
  isMounted: () => false,
};

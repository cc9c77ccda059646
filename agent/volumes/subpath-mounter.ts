// The bind mounts that pin subPaths (agent/volumes/subpath.ts): mount(8) run by the agent (root on the host)
// with the checked descriptor handed over as the child's fd 3, mounted from /proc/self/fd/3 without
// canonicalizing (mount(2) follows that magic link to the open file itself; resolving it to a path again
// would reopen the race). Where mounting is not permitted, bindFd reports false.
import { spawnSync } from 'node:child_process';
import { mountsUnder, unmountUnder } from './tmpfs';

export interface SubPathMounter {
  /** Bind-mounts the open file or directory `fd` onto `target` (existing, same type); false if not permitted. */
  bindFd(fd: number, target: string): boolean;
  /** Every mount at or under dir, deepest first (lazily: a container still using one keeps its view). */
  unmountUnder(dir: string): void;
  isMounted(target: string): boolean;
}

export const hostSubPathMounter: SubPathMounter = {
  bindFd(fd, target) {
    const r = spawnSync('mount', ['--no-canonicalize', '--bind', '/proc/self/fd/3', target], {
      stdio: ['ignore', 'ignore', 'ignore', fd],
      timeout: 10_000,
    });
    return r.status === 0;
  },
  unmountUnder,
  isMounted: (target) => mountsUnder(target).includes(target),
};

/** No mounts (unit tests on the memory runtime, or mounting not permitted): the checked path is given. */
export const noSubPathMounter: SubPathMounter = {
  bindFd: () => false,
  unmountUnder: () => undefined,
  isMounted: () => false,
};

// subPath and subPathExpr as the kubelet resolves them when a container starts (kubelet_pods.go makeMounts,
// pkg/volume/util/subpath): expand $(VAR) from the container's env, refuse absolute paths and `..`, create
// a missing directory inside the volume, then resolve symlinks and prove the result stays inside the volume
// by opening every component again with O_NOFOLLOW (a symlink swapped in meanwhile fails the open); then
// pin what was opened with a bind mount from its descriptor, so the engine mounts that inode, not a path.
// Node has no openat(2): `/proc/self/fd/<dir fd>/<name>` opens `name` inside the directory we hold open.
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  statSync,
  mkdirSync,
  openSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { MiniKubeletError } from '../errors';
import { expand } from '../model/env-expansion';
import type { SubPathMounter } from './subpath-mounter';

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const ANY_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

const inFd = (fd: number, name: string): string => `/proc/self/fd/${fd}/${name}`;

/** The path's components, `.` and empty ones dropped. */
const parts = (path: string): string[] => path.split('/').filter((p) => p !== '' && p !== '.');

/**
 * ExpandContainerVolumeMounts: `$(VAR)` from the container's env (`$$` is a literal `$`); a variable that is
 * unset or empty fails, naming every such variable, as the kubelet does.
 */
export function expandSubPathExpr(expr: string, env: ReadonlyMap<string, string>): string {
  const missing = new Set<string>();
  const out = expand(expr, (name) => {
    const value = env.get(name);
    if (!value) missing.add(name);
    return value ?? '';
  });
  if (missing.size)
    throw new MiniKubeletError('RuntimeError', `missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

/** makeMounts' own checks of the (expanded) subPath, with its words. */
export function checkSubPath(subPath: string): void {
  if (subPath.startsWith('/'))
    throw new MiniKubeletError('RuntimeError', `error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split('/').includes('..'))
    throw new MiniKubeletError(
      'RuntimeError',
      `unable to provision SubPath \`${subPath}\`: must not contain '..'`,
    );
}

function within(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}/`);
}

function escapes(path: string, root: string): MiniKubeletError {
  return new MiniKubeletError('RuntimeError', `path ${path} is outside of allowed base ${root}`);
}

/** Exists, following symlinks (a dangling link counts as missing, and mkdir then refuses it). */
function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * doSafeMakeDir: creates the missing directories of `sub` under `root` (mode: the root's), after checking
 * that the part that exists resolves inside the root. Each new directory is made inside the one held open.
 */
export function safeMakeDir(root: string, sub: string): void {
  const base = realpathSync(root);
  const comps = parts(sub);
  let n = 0;
  while (n < comps.length && exists(join(base, ...comps.slice(0, n + 1)))) n++;
  if (n === comps.length) return;
  const existing = realpathSync(join(base, ...comps.slice(0, n)));
  if (!within(existing, base)) throw escapes(existing, base);
  const mode = fstatMode(base);
  let fd = openDir(existing);
  try {
    for (const c of comps.slice(n)) {
      mkdirSync(inFd(fd, c));
      const child = openSync(inFd(fd, c), DIR_FLAGS);
      fchmodSync(child, mode); // mkdir applied the umask
      closeSync(fd);
      fd = child;
    }
  } finally {
    closeSync(fd);
  }
}

function openDir(path: string): number {
  return openSync(path, DIR_FLAGS);
}

function fstatMode(path: string): number {
  const fd = openDir(path);
  try {
    return fstatSync(fd).mode & 0o7777;
  } finally {
    closeSync(fd);
  }
}

/**
 * doBindSubPath's walk: the symlink-free path of `sub` inside `root`, proven by opening it again from the
 * root with O_NOFOLLOW on every component. Returns the last component still open (the caller closes it).
 */
function openInside(root: string, sub: string): { fd: number; target: string } {
  const base = realpathSync(root);
  const target = realpathSync(join(base, ...parts(sub)));
  if (!within(target, base)) throw escapes(target, base);
  let fd = openDir(base);
  try {
    const comps = parts(relative(base, target));
    comps.forEach((c, i) => {
      const last = i === comps.length - 1;
      const child = openSync(inFd(fd, c), last ? ANY_FLAGS : DIR_FLAGS);
      closeSync(fd);
      fd = child;
    });
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return { fd, target };
}

/** The symlink-free path of `sub` inside `root`; throws when it leads outside the root. */
export function resolveSubPath(root: string, sub: string): string {
  const { fd, target } = openInside(root, sub);
  closeSync(fd);
  return target;
}

/**
 * The kubelet's pinning (doBindSubPath): what `sub` names inside `root`, opened component by component with
 * O_NOFOLLOW, is bind-mounted from the open descriptor onto `pinned` (a path under the pod's directory the
 * pod cannot write), and the engine is given `pinned`. A symlink swapped into the volume after this check
 * cannot redirect the container: the mount holds the inode that was checked, not a path. A mount left at
 * `pinned` by an earlier start of the container is replaced. False when mounting is not permitted here
 * (the caller then gives the checked path, as before: docs/storage.md).
 */
export function pinSubPath(root: string, sub: string, pinned: string, mounter: SubPathMounter): boolean {
  const { fd } = openInside(root, sub);
  try {
    const isDir = fstatSync(fd).isDirectory();
    if (mounter.isMounted(pinned)) mounter.unmountUnder(pinned);
    if (!mounter.isMounted(pinned)) rmSync(pinned, { recursive: true, force: true }); // an empty mount point
    mkdirSync(isDir ? pinned : dirname(pinned), { recursive: true, mode: 0o750 });
    if (!isDir) writeFileSync(pinned, '', { mode: 0o640 });
    return mounter.bindFd(fd, pinned);
  } finally {
    closeSync(fd);
  }
}

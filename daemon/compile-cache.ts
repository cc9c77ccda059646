// Node's on-disk compile cache (Node >= 22.1): the daemon's start-up is mostly compiling its modules and
// their dependencies' (BENCHMARKS.md, restart with 110 pods), and a restarted daemon compiles the same files
// again. The cache lives in Node's default place (NODE_COMPILE_CACHE, else <os tmp>/node-compile-cache),
// keyed by each file's contents; NODE_DISABLE_COMPILE_CACHE=1 turns it off. On Node 20 it does nothing.
// main.ts imports enable-compile-cache.ts first, so that every module after it is compiled through the cache.
import nodeModule from 'node:module';

/** The part of node:module this uses (absent on older Node lines). */
export interface CompileCacheApi {
  enableCompileCache?: () => unknown;
  flushCompileCache?: () => void;
}

export function enableCompileCache(api: CompileCacheApi): void {
  try {
    api.enableCompileCache?.();
  } catch {
    // an unwritable cache directory only costs the speed-up
  }
}

/**
 * Writes what was compiled so far. Node writes the cache only at a normal exit, and a daemon is as often
 * ended by SIGKILL: flushed once it is ready, the next start finds the cache. Node >= 22.10.
 */
export function flushCompileCache(api: CompileCacheApi): void {
  try {
    api.flushCompileCache?.();
  } catch {
    // as above
  }
}

export const nodeCompileCache = nodeModule as CompileCacheApi;

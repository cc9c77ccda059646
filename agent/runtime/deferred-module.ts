// A module that exports one function, loaded only when that function is first called. dockerode loads, at its
// own start, two such modules the agent never calls: its BuildKit session (@grpc/grpc-js, @grpc/proto-loader,
// protobufjs) and docker-modem's ssh:// transport (ssh2): about a third of the daemon's module loading
// (BENCHMARKS.md, restart with 110 pods). Seeding require's cache with a forwarding stub keeps them out until
// someone uses them (an ssh:// DOCKER_HOST still works: the first connection loads ssh2). node_modules is
// left as it is.
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';

type Fn = (...args: unknown[]) => unknown;

/**
 * Defers `request` (resolved from the folder `from`): true when a stub now stands in for it; false when it is
 * already loaded or cannot be found, and then nothing changed.
 */
export function deferModule(request: string, from: string): boolean {
  let file: string;
  try {
    file = require.resolve(request, { paths: [from] });
  } catch {
    return false;
  }
  if (require.cache[file]) return false;
  let real: Fn | undefined;
  const stub = new Module(file);
  stub.filename = file;
  stub.paths = [];
  stub.loaded = true;
  stub.exports = function deferred(this: unknown, ...args: unknown[]): unknown {
    if (!real) {
      delete require.cache[file];
      real = createRequire(file)(file) as Fn;
    }
    return real.apply(this, args);
  };
  require.cache[file] = stub;
  return true;
}

/** dockerode's BuildKit session and docker-modem's ssh transport, as dockerode's files resolve them. */
export const DOCKERODE_UNUSED = ['dockerode/lib/session.js', 'docker-modem/lib/ssh.js'] as const;

/** Called before dockerode is first required (docker-runtime.ts imports it first for this). */
export function deferDockerodeExtras(): void {
  const from = dirname(require.resolve('dockerode/package.json'));
  for (const request of DOCKERODE_UNUSED) deferModule(request, from);
}

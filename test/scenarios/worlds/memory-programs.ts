// Makes a MemoryRuntime play the scenario programs (programs.ts): each started container follows its
// command's model (output, exit code, when); a `lookup` loop asks `serviceExists` until it answers yes.
import type { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import type { ContainerSpec } from '../../../agent/runtime/runtime';
import { modelOf } from '../programs';

/** Model time runs this much faster than the commands' own sleeps. */
const TIME_SCALE = 0.5;
/** How often a waiting nslookup loop asks again (the real loop sleeps 2 s). */
const LOOKUP_EVERY_MS = 50;

export interface Player {
  stop(): void;
}

export function playPrograms(
  rt: MemoryRuntime,
  serviceExists: (namespace: string, service: string) => boolean = () => false,
): Player {
  const lookups = new Map<string, string>(); // container id -> the Service it waits for
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  rt.behaviour = (spec: ContainerSpec) => {
    const c = [...rt.containers.values()].find((x) => x.spec === spec)!;
    const run = modelOf(spec.command)(spec.identity.attempt, spec);
    if (run.kind === 'lookup') {
      lookups.set(c.id, run.service);
      return 'run';
    }
    c.logs.push(...(run.output ?? []));
    if (run.kind === 'run') return 'run';
    if (!run.afterMs) return { exitCode: run.code };
    later(run.afterMs * TIME_SCALE, () => rt.exit(c.id, run.code));
    return 'run';
  };

  rt.execBehaviour = (_spec, command) => {
    const run = modelOf(command)(0, { env: [], mounts: [] });
    if (run.kind !== 'exit' || run.afterMs)
      throw new Error(`exec of ${command.join(' ')}: not a quick command`);
    const output = run.output?.length ? `${run.output.join('\n')}\n` : '';
    return { exitCode: run.code, output };
  };

  // One round of every waiting lookup loop.
  const poll = setInterval(() => {
    for (const [id, service] of lookups) {
      const c = rt.containers.get(id);
      if (c?.state !== 'running') {
        lookups.delete(id);
        continue;
      }
      if (!serviceExists(c.podNamespace, service)) {
        c.logs.push(`waiting for ${service}`);
        continue;
      }
      c.logs.push(`Name:\t${service}.${c.podNamespace}.svc.cluster.local`);
      lookups.delete(id);
      rt.exit(id, 0);
    }
  }, LOOKUP_EVERY_MS);

  return {
    stop() {
      clearInterval(poll);
      for (const t of timers) clearTimeout(t);
    },
  };
}

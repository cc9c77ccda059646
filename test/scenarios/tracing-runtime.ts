// Records, at the runtime port, which containers the agent created, started, stopped, removed and exec'd
// into, in call order: the same observation on every runtime (deletion order, init order).
import type { ContainerRuntime } from '../../agent/runtime/runtime';

export interface TraceEntry {
  call: 'create' | 'start' | 'stop' | 'remove' | 'exec';
  pod: string;
  /** Spec name; `POD` for the sandbox. */
  name: string;
}

const CALLS: Record<string, TraceEntry['call']> = {
  createSandbox: 'create',
  createContainer: 'create',
  startContainer: 'start',
  stopContainer: 'stop',
  removeContainer: 'remove',
  exec: 'exec',
};

export function tracing(inner: ContainerRuntime, trace: TraceEntry[]): ContainerRuntime {
  const owners = new Map<string, { pod: string; name: string }>(); // container id -> who
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      const call = typeof prop === 'string' ? CALLS[prop] : undefined;
      if (!call) return fn.bind(target);
      return async (...args: unknown[]) => {
        const first = args[0] as { identity: { podName: string; name: string } } | string;
        const who = typeof first === 'string' ? owners.get(first) : undefined;
        if (who) trace.push({ call, ...who });
        const result = await fn.apply(target, args);
        if (typeof first !== 'string') {
          const created = { pod: first.identity.podName, name: first.identity.name };
          // a container's id, or the sandbox as created (createSandbox describes it)
          owners.set(typeof result === 'string' ? result : (result as { id: string }).id, created);
          trace.push({ call, ...created });
        }
        return result;
      };
    },
  });
}

// Fault injection for recovery tests: wraps a runtime and kills this process with SIGKILL right before or
// after one chosen call (optionally only for one container name), the way a power cut or `kill -9` would.
// Enabled only by MINIKUBELET_FAULT (see docs/recovery.md); never in normal operation.
import type { ContainerRuntime } from './runtime';

export interface Fault {
  when: 'before' | 'after';
  method: keyof ContainerRuntime;
  /** Only calls that concern this container (spec name) count; any call otherwise. */
  container?: string;
}

const METHODS = new Set<string>([
  'createSandbox',
  'createContainer',
  'startContainer',
  'stopContainer',
  'removeContainer',
  'ensureVolume',
]);

/** What a create answered: a container's id, or the sandbox described (its id). */
const createdId = (result: unknown): string =>
  typeof result === 'string' ? result : String((result as { id?: unknown } | undefined)?.id);

/** `before:createSandbox`, `after:createContainer:app` ... */
export function parseFault(text: string): Fault | undefined {
  const [when, method, container] = text.split(':');
  if ((when !== 'before' && when !== 'after') || !method || !METHODS.has(method)) return undefined;
  return { when, method: method as keyof ContainerRuntime, ...(container ? { container } : {}) };
}

export function withFault(
  inner: ContainerRuntime,
  fault: Fault,
  die: () => void = () => process.kill(process.pid, 'SIGKILL'),
): ContainerRuntime {
  const names = new Map<string, string>(); // container id -> spec name, for start/stop/remove
  const concerns = (args: unknown[]): boolean => {
    if (!fault.container) return true;
    const first = args[0] as { identity?: { name?: string } } | string | undefined;
    const name = typeof first === 'string' ? names.get(first) : first?.identity?.name;
    return name === fault.container;
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      return async (...args: unknown[]) => {
        const hit = prop === fault.method && concerns(args);
        if (hit && fault.when === 'before') die();
        const result = await fn.apply(target, args);
        if (prop === 'createContainer' || prop === 'createSandbox') {
          const spec = args[0] as { identity: { name: string } };
          names.set(createdId(result), spec.identity.name);
        }
        if (hit && fault.when === 'after') die();
        return result;
      };
    },
  });
}

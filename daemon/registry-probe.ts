// Does a registry answer? A TCP connect to its address with a short timeout, from this host (the engine
// pulls from the same host). Only whether something listens is asked: what the registry then says (401,
// 404) is the pull's business. Resolves with why it is unreachable, or undefined when it answered.
import { connect } from 'node:net';
import type { RegistryProbe } from '../agent/images/registry-reachability';

/** Long enough for a registry across the world, short enough that a pod start on an offline node barely waits. */
export const PROBE_TIMEOUT_MS = 2_000;

/** Where the engine would connect for a registry host (docker.io's is registry-1.docker.io; TLS by default). */
export function registryAddress(registry: string): { host: string; port: number } {
  if (registry === 'docker.io') return { host: 'registry-1.docker.io', port: 443 };
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(registry) ?? /^([^:]+)(?::(\d+))?$/.exec(registry);
  return { host: m?.[1] ?? registry, port: m?.[2] ? Number(m[2]) : 443 };
}

export const tcpRegistryProbe: RegistryProbe = (registry) =>
  new Promise((resolve) => {
    const { host, port } = registryAddress(registry);
    const socket = connect({ host, port, timeout: PROBE_TIMEOUT_MS });
    const done = (why: string | undefined): void => {
      socket.destroy();
      resolve(why);
    };
    socket.once('connect', () => done(undefined));
    socket.once('timeout', () => done(`dial tcp ${host}:${port}: i/o timeout`));
    socket.once('error', (err) => done(err.message));
  });

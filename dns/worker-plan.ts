// How many UDP sockets in worker threads the DNS server gets for --dns-workers N. Several sockets on one
// address need SO_REUSEPORT, which node:dgram offers from Node 22.12 (`reusePort`) and only on Linux; Node 20
// accepts the option and ignores it (the second bind fails with EADDRINUSE), so the version decides.

export interface DnsWorkerPlan {
  /** Worker threads with a socket each; 0: the single in-process socket (today's server). */
  workers: number;
  /** Set when more were asked than this Node can do: what the daemon logs once. */
  fallback?: string;
}

export interface NodeRuntimeInfo {
  /** process.versions.node, e.g. `22.12.0`. */
  version: string;
  /** process.platform. */
  platform: string;
}

const REUSE_PORT_SINCE = [22, 12] as const;

/** True when node:dgram can bind several sockets to one address (reusePort). */
export function hasUdpReusePort(rt: NodeRuntimeInfo): boolean {
  const [major = 0, minor = 0] = rt.version.split('.').map(Number);
  const [wantMajor, wantMinor] = REUSE_PORT_SINCE;
  return rt.platform === 'linux' && (major > wantMajor || (major === wantMajor && minor >= wantMinor));
}

export function planDnsWorkers(
  requested: number,
  rt: NodeRuntimeInfo = { version: process.versions.node, platform: process.platform },
): DnsWorkerPlan {
  if (requested <= 1) return { workers: 0 };
  if (hasUdpReusePort(rt)) return { workers: requested };
  return {
    workers: 0,
    fallback:
      `--dns-workers ${requested} needs SO_REUSEPORT on UDP sockets (Node >= ${REUSE_PORT_SINCE.join('.')} on Linux); ` +
      `Node ${rt.version} on ${rt.platform} has none, so DNS runs on one socket in the main thread`,
  };
}

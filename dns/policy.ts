// Who the DNS server answers (SECURITY.md): pods (the pod network), this host's loopback and this host's own
// addresses. Everyone else gets nothing over UDP and REFUSED over TCP. Forwarding to the upstream resolvers
// is for pods only, so the server is never an open resolver; loopback is exempt from the rate limit.
import { inCidr, ipToInt, parseCidr } from '../agent/model/cidr';

export interface DnsSourcePolicy {
  /** May ask at all. */
  allowQuery(ip: string): boolean;
  /** May have names outside the cluster zone forwarded. */
  allowForward(ip: string): boolean;
  /** Not rate-limited. */
  exempt(ip: string): boolean;
}

export const isLoopbackIp = (ip: string): boolean => ip === '::1' || /^127\.\d+\.\d+\.\d+$/.test(ip);

export function dnsSourcePolicy(podCidr: string, ownAddresses: Iterable<string>): DnsSourcePolicy {
  const cidr = parseCidr(podCidr);
  const own = new Set(ownAddresses);
  const fromPod = (ip: string): boolean => cidr !== undefined && inCidr(cidr, ipToInt(ip) ?? -1);
  return {
    allowQuery: (ip) => isLoopbackIp(ip) || fromPod(ip) || own.has(ip),
    allowForward: fromPod,
    exempt: isLoopbackIp,
  };
}

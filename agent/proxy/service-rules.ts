// Pure: Service rules -> the agent's own iptables chains, as `iptables-restore --noflush` input. Only chains
// named MINIKUBELET-* are declared (and so flushed); Docker's chains are never named here.
import { createHash } from 'node:crypto';
import { MiniKubeletError } from '../errors';
import { intToIp, ipToInt, parseCidr } from '../model/cidr';

import type { Protocol } from '../model/service';

export type { Protocol };

export interface ServiceEndpoint {
  ip: string;
  port: number;
}

/** One ClusterIP:port and the ready addresses behind it. */
export interface ServiceRule {
  namespace: string;
  name: string;
  clusterIP: string;
  port: number;
  protocol: Protocol;
  endpoints: ServiceEndpoint[];
}

export type Table = 'nat' | 'filter';

export const CHAIN_PREFIX = 'MINIKUBELET-';
export const SERVICES_CHAIN = 'MINIKUBELET-SERVICES';
export const POSTROUTING_CHAIN = 'MINIKUBELET-POSTROUTING';
export const FORWARD_CHAIN = 'MINIKUBELET-FORWARD';
export const OUTPUT_CHAIN = 'MINIKUBELET-OUTPUT';
/** Bit 14, as kube-proxy: set on a connection from an endpoint to its own Service, masqueraded on the way out. */
export const MASQ_MARK = '0x4000';

/** A rule in a built-in chain that sends traffic into one of ours. */
export interface JumpRule {
  table: Table;
  chain: string;
  target: string;
  comment: string;
}

// PREROUTING: pods' traffic; OUTPUT: the host's own. FORWARD: pods' traffic to the service range that no
// DNAT took; filter OUTPUT: the same from the host. INPUT is not needed: no ClusterIP is a local address,
// so traffic to the service range is routed (FORWARD) or locally generated (OUTPUT), never delivered.
export const JUMP_RULES: readonly JumpRule[] = [
  { table: 'nat', chain: 'PREROUTING', target: SERVICES_CHAIN, comment: 'minikubelet service portals' },
  { table: 'nat', chain: 'OUTPUT', target: SERVICES_CHAIN, comment: 'minikubelet service portals' },
  { table: 'nat', chain: 'POSTROUTING', target: POSTROUTING_CHAIN, comment: 'minikubelet postrouting rules' },
  { table: 'filter', chain: 'FORWARD', target: FORWARD_CHAIN, comment: 'minikubelet service range' },
  { table: 'filter', chain: 'OUTPUT', target: OUTPUT_CHAIN, comment: 'minikubelet service range' },
];

// Docker keeps its DOCKER-USER jump first in FORWARD (again on each network it creates and each restart)
// and never writes into that chain, which it leaves to the host's own rules. A jump from there keeps the
// service range refused while the agent is stopped, when no sync is there to undo Docker's re-ordering.
export const DOCKER_USER_JUMP: JumpRule = {
  table: 'filter',
  chain: 'DOCKER-USER',
  target: FORWARD_CHAIN,
  comment: 'minikubelet service range',
};

/** The arguments of a jump rule after `-A/-I/-C/-D CHAIN`. */
export const jumpArgs = (j: JumpRule): string[] => ['-m', 'comment', '--comment', j.comment, '-j', j.target];

/** `ns/name:port`: the text every rule of a Service carries. */
export const serviceKey = (r: ServiceRule): string => `${r.namespace}/${r.name}:${r.port}`;

// RFC 4648 base32 of a SHA-256, cut short: stable across restarts and versions, and the names stay
// within iptables' 28 characters (16 prefix + 12), as kube-proxy's KUBE-SVC-<hash>.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function shortHash(text: string): string {
  const bytes = createHash('sha256').update(text).digest();
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < 12) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= 0xff;
    if (out.length >= 12) break;
  }
  return out;
}

const portId = (r: ServiceRule): string => `${serviceKey(r)}/${r.protocol.toLowerCase()}`;

export const serviceChainName = (r: ServiceRule): string => `MINIKUBELET-SVC-${shortHash(portId(r))}`;

export const endpointChainName = (r: ServiceRule, ep: ServiceEndpoint): string =>
  `MINIKUBELET-SEP-${shortHash(`${portId(r)}/${ep.ip}:${ep.port}`)}`;

export interface RenderOptions {
  /** The service range, e.g. 10.96.0.0/12: whatever in it has no endpoint is refused. */
  serviceCidr: string;
  /** Chains of ours that exist now (iptables-save); the ones no longer wanted are deleted. */
  existingChains?: Partial<Record<Table, readonly string[]>>;
  /** Extra lines per table (jump fixes), after our chains' rules and before stale chains are deleted. */
  extra?: Partial<Record<Table, readonly string[]>>;
}

const LABEL = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const validPort = (p: number): boolean => Number.isInteger(p) && p >= 1 && p <= 65535;

function invalid(r: ServiceRule, what: string): MiniKubeletError {
  return new MiniKubeletError('InternalError', `service rule ${r.namespace}/${r.name}: ${what}`);
}

// Rules reach here after API validation; a bad one is a bug upstream, and rendering it would make
// iptables-restore refuse the whole batch, so fail loudly with the Service's name instead.
function checkRule(r: ServiceRule): void {
  if (!LABEL.test(r.namespace) || !LABEL.test(r.name))
    throw invalid(r, 'namespace and name must be DNS names');
  if (ipToInt(r.clusterIP) === undefined)
    throw invalid(r, `clusterIP "${r.clusterIP}" is not an IPv4 address`);
  if (!validPort(r.port)) throw invalid(r, `port ${r.port} is out of range`);
  if (!['TCP', 'UDP', 'SCTP'].includes(r.protocol)) throw invalid(r, `protocol "${String(r.protocol)}"`);
  for (const ep of r.endpoints) {
    const ip = ipToInt(ep.ip);
    if (ip === undefined) throw invalid(r, `endpoint "${ep.ip}" is not an IPv4 address`);
    // DNAT from a pod to 127/8 needs route_localnet=1, which would expose the host's loopback services.
    if (ip >>> 24 === 127)
      throw invalid(r, `endpoint ${ep.ip} is a loopback address; use the bridge gateway`);
    if (!validPort(ep.port)) throw invalid(r, `endpoint port ${ep.port} is out of range`);
  }
}

function canonicalCidr(cidr: string): string {
  const c = parseCidr(cidr);
  if (!c) throw new MiniKubeletError('InternalError', `service CIDR "${cidr}" is not an IPv4 range`);
  return `${intToIp(c.base)}/${32 - Math.log2(c.size)}`;
}

const byIpPort = (a: ServiceEndpoint, b: ServiceEndpoint): number =>
  (ipToInt(a.ip) ?? 0) - (ipToInt(b.ip) ?? 0) || a.port - b.port;

/** Sorted, without duplicates: the same set renders the same text, whatever order it came in. */
function uniqueEndpoints(eps: readonly ServiceEndpoint[]): ServiceEndpoint[] {
  const seen = new Set<string>();
  return [...eps].sort(byIpPort).filter((ep) => {
    const key = `${ep.ip}:${ep.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortRules(rules: readonly ServiceRule[]): ServiceRule[] {
  const seen = new Set<string>();
  return [...rules]
    .sort(
      (a, b) =>
        a.namespace.localeCompare(b.namespace) ||
        a.name.localeCompare(b.name) ||
        a.port - b.port ||
        a.protocol.localeCompare(b.protocol),
    )
    .filter((r) => {
      const id = portId(r);
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
}

/**
 * kube-proxy's spread: endpoint i of n is taken with probability 1/(n-i) among the ones left, so each gets
 * 1/n; the last one is unconditional. Five decimals keep the text short and stable.
 */
export const probability = (i: number, n: number): string => (1 / (n - i)).toFixed(5);

const comment = (text: string): string => `-m comment --comment "${text}"`;

function rejectWith(protocol: Protocol): string {
  // tcp-reset: the client sees "connection refused" at once instead of waiting for a timeout.
  return protocol === 'TCP' ? 'REJECT --reject-with tcp-reset' : 'REJECT --reject-with icmp-port-unreachable';
}

function matchPort(r: ServiceRule): string {
  const p = r.protocol.toLowerCase();
  return `-d ${r.clusterIP}/32 -p ${p} ${comment(serviceKey(r))} -m ${p} --dport ${r.port}`;
}

function natLines(rules: readonly ServiceRule[]): { chains: string[]; lines: string[] } {
  const chains = [SERVICES_CHAIN, POSTROUTING_CHAIN];
  const lines = [
    `-A ${POSTROUTING_CHAIN} -m mark ! --mark ${MASQ_MARK}/${MASQ_MARK} -j RETURN`,
    // Clear the bit so nothing further down (another masquerade, a policy route) sees it.
    `-A ${POSTROUTING_CHAIN} -j MARK --xor-mark ${MASQ_MARK}`,
    `-A ${POSTROUTING_CHAIN} ${comment('hairpin: a pod reaching itself through a Service')} -j MASQUERADE`,
  ];
  const services: string[] = [];
  const perService: string[] = [];
  for (const r of rules) {
    const eps = uniqueEndpoints(r.endpoints);
    if (eps.length === 0) continue; // refused by the filter chains
    const svc = serviceChainName(r);
    const key = comment(serviceKey(r));
    const proto = r.protocol.toLowerCase();
    chains.push(svc);
    services.push(`-A ${SERVICES_CHAIN} ${matchPort(r)} -j ${svc}`);
    const sepLines: string[] = [];
    eps.forEach((ep, i) => {
      const sep = endpointChainName(r, ep);
      chains.push(sep);
      const pick =
        i < eps.length - 1 ? ` -m statistic --mode random --probability ${probability(i, eps.length)}` : '';
      perService.push(`-A ${svc} ${key}${pick} -j ${sep}`);
      // The client is this very endpoint: without SNAT its reply would go to itself, not back through us.
      sepLines.push(`-A ${sep} -s ${ep.ip}/32 ${key} -j MARK --or-mark ${MASQ_MARK}`);
      sepLines.push(`-A ${sep} -p ${proto} ${key} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
    });
    perService.push(...sepLines);
  }
  return { chains, lines: [...lines, ...services, ...perService] };
}

function filterChain(chain: string, rules: readonly ServiceRule[], cidr: string): string[] {
  const lines: string[] = [];
  for (const r of rules) {
    if (r.endpoints.length > 0) continue;
    const p = r.protocol.toLowerCase();
    const c = comment(`${serviceKey(r)} has no endpoints`);
    lines.push(
      `-A ${chain} -d ${r.clusterIP}/32 -p ${p} ${c} -m ${p} --dport ${r.port} -j ${rejectWith(r.protocol)}`,
    );
  }
  // Whatever DNAT did not take is refused here, so nothing addressed to the service range leaves the host.
  const range = comment('service range: no endpoint');
  lines.push(`-A ${chain} -d ${cidr} -p tcp ${range} -j ${rejectWith('TCP')}`);
  lines.push(`-A ${chain} -d ${cidr} ${range} -j ${rejectWith('UDP')}`);
  return lines;
}

function table(name: Table, wanted: readonly string[], lines: readonly string[], o: RenderOptions): string[] {
  const stale = (o.existingChains?.[name] ?? []).filter(
    (c) => c.startsWith(CHAIN_PREFIX) && !wanted.includes(c),
  );
  // Declaring a chain flushes it under --noflush; stale ones are declared (emptied) then deleted.
  return [
    `*${name}`,
    ...[...wanted, ...stale].map((c) => `:${c} - [0:0]`),
    ...lines,
    ...(o.extra?.[name] ?? []),
    ...stale.map((c) => `-X ${c}`),
    'COMMIT',
  ];
}

/** The complete content of the agent's chains in the nat and filter tables, for `iptables-restore --noflush`. */
export function renderServiceRules(rules: readonly ServiceRule[], o: RenderOptions): string {
  rules.forEach(checkRule);
  const cidr = canonicalCidr(o.serviceCidr);
  const sorted = sortRules(rules);
  const nat = natLines(sorted);
  const filter = [...filterChain(FORWARD_CHAIN, sorted, cidr), ...filterChain(OUTPUT_CHAIN, sorted, cidr)];
  return (
    [
      ...table('nat', nat.chains, nat.lines, o),
      ...table('filter', [FORWARD_CHAIN, OUTPUT_CHAIN], filter, o),
    ].join('\n') + '\n'
  );
}

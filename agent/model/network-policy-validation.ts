// NetworkPolicy validation as upstream's pkg/apis/networking/validation words it (ValidateNetworkPolicy):
// the name a DNS subdomain, the pod selector and each peer's selectors label selectors, each port's
// protocol, port and endPort, each ipBlock's cidr and except, and the policyTypes.
import { BlockList, isIP } from 'node:net';
import { type FieldError, GoSyntax, fieldError } from './field-errors';
import { validateMetadataMaps, validateObjectName } from './meta-validation';
import { dns1123SubdomainProblems, portNameProblems } from './names';
import type { IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from './network-policy';
import { validateLabelSelector } from './selector-validation';

const PORT_RANGE = 'must be between 1 and 65535, inclusive';
const CIDR_INVALID = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];

const quoted = (values: string[]): string => values.map((v) => `"${v}"`).join(', ');

/** ValidateNetworkPolicyPort. */
function validatePort(p: NetworkPolicyPort, f: string, out: FieldError[]): void {
  if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol))
    out.push(
      fieldError('NotSupported', `${f}.protocol`, p.protocol, `supported values: ${quoted(PROTOCOLS)}`),
    );
  if (p.port === undefined) {
    if (p.endPort !== undefined)
      out.push(
        fieldError('Invalid', `${f}.endPort`, p.endPort, 'may not be specified when `port` is not specified'),
      );
    return;
  }
  if (typeof p.port === 'number') {
    if (p.port < 1 || p.port > 65535) out.push(fieldError('Invalid', `${f}.port`, p.port, PORT_RANGE));
    if (p.endPort !== undefined) {
      if (p.endPort < p.port)
        out.push(fieldError('Invalid', `${f}.endPort`, p.port, 'must be greater than or equal to `port`'));
      if (p.endPort < 1 || p.endPort > 65535)
        out.push(fieldError('Invalid', `${f}.endPort`, p.endPort, PORT_RANGE));
    }
    return;
  }
  if (p.endPort !== undefined)
    out.push(
      fieldError('Invalid', `${f}.endPort`, p.endPort, 'may not be specified when `port` is non-numeric'),
    );
  for (const problem of portNameProblems(p.port))
    out.push(fieldError('Invalid', `${f}.port`, p.port, problem));
}

interface Cidr {
  ip: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** netutils.ParseCIDRSloppy's accepted forms: an IP address, a slash, a prefix length within its family. */
function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  const version = isIP(ip);
  if (version === 0 || !/^\d{1,3}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  if (prefix > (version === 4 ? 32 : 128)) return undefined;
  return { ip, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** ValidateIPBlock: a cidr, and each except a strict subset of it. */
function validateIpBlock(b: IPBlock, f: string, out: FieldError[]): void {
  if (!b.cidr) {
    out.push(fieldError('Required', `${f}.cidr`, undefined, ''));
    return;
  }
  const cidr = parseCidr(b.cidr);
  if (!cidr) {
    out.push(fieldError('Invalid', `${f}.cidr`, b.cidr, CIDR_INVALID));
    return;
  }
  const within = new BlockList();
  within.addSubnet(cidr.ip, cidr.prefix, cidr.family);
  (b.except ?? []).forEach((text, i) => {
    const ef = `${f}.except[${i}]`;
    const except = parseCidr(text ?? '');
    if (!except) {
      out.push(fieldError('Invalid', ef, text, CIDR_INVALID));
      return;
    }
    // a longer prefix inside the cidr (its first address is, whatever its host bits)
    if (
      except.family !== cidr.family ||
      !within.check(except.ip, except.family) ||
      cidr.prefix >= except.prefix
    )
      out.push(fieldError('Invalid', ef, text, 'must be a strict subset of `cidr`'));
  });
}

/** ValidateNetworkPolicyPeer: exactly one kind of peer when it is an ipBlock; at least one. */
function validatePeer(peer: NetworkPolicyPeer, f: string, out: FieldError[]): void {
  let peers = 0;
  if (peer.podSelector) {
    peers++;
    validateLabelSelector(peer.podSelector, `${f}.podSelector`, out);
  }
  if (peer.namespaceSelector) {
    peers++;
    validateLabelSelector(peer.namespaceSelector, `${f}.namespaceSelector`, out);
  }
  if (peer.ipBlock) {
    peers++;
    validateIpBlock(peer.ipBlock, `${f}.ipBlock`, out);
  }
  if (peers === 0) out.push(fieldError('Required', f, undefined, 'must specify a peer'));
  else if (peers > 1 && peer.ipBlock)
    out.push(fieldError('Forbidden', f, undefined, 'may not specify both ipBlock and another peer'));
}

export function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  const out: FieldError[] = [];
  validateObjectName(np.metadata.name, 'metadata.name', dns1123SubdomainProblems, out);
  validateMetadataMaps(np.metadata, out);
  const spec = np.spec;
  validateLabelSelector(spec.podSelector ?? {}, 'spec.podSelector', out);
  (spec.ingress ?? []).forEach((rule, i) => {
    const f = `spec.ingress[${i}]`;
    (rule?.ports ?? []).forEach((p, j) => validatePort(p ?? {}, `${f}.ports[${j}]`, out));
    (rule?.from ?? []).forEach((peer, j) => validatePeer(peer ?? {}, `${f}.from[${j}]`, out));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    const f = `spec.egress[${i}]`;
    (rule?.ports ?? []).forEach((p, j) => validatePort(p ?? {}, `${f}.ports[${j}]`, out));
    (rule?.to ?? []).forEach((peer, j) => validatePeer(peer ?? {}, `${f}.to[${j}]`, out));
  });
  const types = spec.policyTypes ?? [];
  if (types.length > POLICY_TYPES.length) {
    // upstream prints the value with %#v (a pointer to the slice)
    const value = new GoSyntax(`&[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`);
    out.push(fieldError('Invalid', 'spec.policyTypes', value, 'may not specify more than two policyTypes'));
    return out;
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t))
      out.push(
        fieldError('NotSupported', `spec.policyTypes[${i}]`, t, `supported values: ${quoted(POLICY_TYPES)}`),
      );
  });
  return out;
}

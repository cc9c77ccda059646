// The compiled record table: every name the cluster zone and the reverse zone hold, built once per catalog
// version so that answering a query is a Map lookup. Pure: no I/O, no clock (the SOA serial is passed in).
import { isIPv4 } from 'node:net';
import type { DnsCatalog, EndpointRecord, PodRecord, ServiceRecord } from './catalog';
import { DEFAULT_ZONE, dashedIp, normalizeName, reverseName } from './names';

/** CoreDNS's default TTL for cluster records (plugin/kubernetes defaultTTL). */
export const RECORD_TTL = 5;
/** CoreDNS answers dns-version with this TTL (28800 s), per the Kubernetes DNS spec schema. */
export const VERSION_TTL = 28800;
export const DNS_SCHEMA_VERSION = '1.1.0';

export interface SrvData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

export interface SoaData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}

/** One resource record, shaped like dns-packet's decoded answers so tests can compare them directly. */
export type Rr =
  | { name: string; type: 'A'; ttl: number; data: string }
  | { name: string; type: 'PTR'; ttl: number; data: string }
  | { name: string; type: 'SRV'; ttl: number; data: SrvData }
  | { name: string; type: 'TXT'; ttl: number; data: string[] }
  | { name: string; type: 'SOA'; ttl: number; data: SoaData };

/** What one name holds. A name with nothing in it still exists (NODATA, not NXDOMAIN). */
export interface NameData {
  a: string[];
  srv: SrvData[];
  ptr: string[];
  txt: string[];
}

export interface RecordTable {
  zone: string;
  serial: number;
  names: ReadonlyMap<string, NameData>;
  /** Service name → namespaces that have a Service of that name (for the busybox search-expansion rule). */
  serviceNamespaces: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface TableOptions {
  /** The cluster domain; default `cluster.local`. */
  zone?: string;
  /** SOA serial; CoreDNS uses the Unix time of the last API change. */
  serial: number;
}

class TableBuilder {
  readonly names = new Map<string, NameData>();
  readonly serviceNamespaces = new Map<string, Set<string>>();

  constructor(readonly zone: string) {}

  node(name: string): NameData {
    let data = this.names.get(name);
    if (!data) {
      data = { a: [], srv: [], ptr: [], txt: [] };
      this.names.set(name, data);
    }
    return data;
  }

  addA(name: string, ip: string): void {
    const data = this.node(name);
    if (!data.a.includes(ip)) data.a.push(ip);
  }

  addPtr(ip: string, target: string): void {
    const rev = reverseName(ip);
    if (!rev) return;
    const data = this.node(rev);
    if (!data.ptr.includes(target)) data.ptr.push(target);
  }

  namespace(ns: string): void {
    this.node(`${ns}.svc.${this.zone}`);
    this.node(`${ns}.pod.${this.zone}`);
  }
}

// Weights split 100 between the records of one SRV answer, as CoreDNS does (100/N, floored).
function withWeights(records: Omit<SrvData, 'weight'>[]): SrvData[] {
  const weight = records.length ? Math.floor(100 / records.length) : 0;
  return records.map((r) => ({ ...r, weight }));
}

function endpointHostname(
  ep: EndpointRecord,
  svc: ServiceRecord,
  podsByIp: ReadonlyMap<string, PodRecord>,
): string {
  if (ep.hostname) return normalizeName(ep.hostname);
  // The endpoints controller sets hostname only when the pod's subdomain names this Service in its namespace.
  const pod = podsByIp.get(ep.ip);
  if (pod?.hostname && pod.subdomain === svc.name && pod.namespace === svc.namespace)
    return normalizeName(pod.hostname);
  return dashedIp(ep.ip);
}

function addClusterIpService(b: TableBuilder, svc: ServiceRecord, base: string): void {
  b.addA(base, svc.clusterIP);
  b.addPtr(svc.clusterIP, base);
  for (const p of svc.ports) {
    if (!p.name) continue;
    b.node(`_${normalizeName(p.name)}._${p.protocol.toLowerCase()}.${base}`).srv.push(
      ...withWeights([{ priority: 0, port: p.port, target: base }]),
    );
  }
  // CoreDNS extension: a bare SRV query on the Service name lists every port.
  b.node(base).srv.push(...withWeights(svc.ports.map((p) => ({ priority: 0, port: p.port, target: base }))));
}

function addHeadlessService(
  b: TableBuilder,
  svc: ServiceRecord,
  base: string,
  podsByIp: ReadonlyMap<string, PodRecord>,
): void {
  const seen = new Set<string>();
  const hosts: { ip: string; host: string }[] = [];
  for (const ep of svc.endpoints) {
    if (!isIPv4(ep.ip) || seen.has(ep.ip)) continue;
    seen.add(ep.ip);
    hosts.push({ ip: ep.ip, host: `${endpointHostname(ep, svc, podsByIp)}.${base}` });
  }
  // A headless Service with no ready endpoint does not exist in DNS (NXDOMAIN), per the spec.
  if (hosts.length === 0) return;
  for (const { ip, host } of hosts) {
    b.addA(base, ip);
    b.addA(host, ip);
    b.addPtr(ip, host);
  }
  for (const p of svc.ports) {
    if (!p.name) continue;
    b.node(`_${normalizeName(p.name)}._${p.protocol.toLowerCase()}.${base}`).srv.push(
      ...withWeights(hosts.map(({ host }) => ({ priority: 0, port: p.port, target: host }))),
    );
  }
  b.node(base).srv.push(
    ...withWeights(
      svc.ports.flatMap((p) => hosts.map(({ host }) => ({ priority: 0, port: p.port, target: host }))),
    ),
  );
}

/** Compiles the catalog into the table the resolver reads. */
export function buildRecordTable(catalog: DnsCatalog, opts: TableOptions): RecordTable {
  const zone = normalizeName(opts.zone ?? DEFAULT_ZONE);
  const b = new TableBuilder(zone);
  const pods = [...catalog.pods()];
  const podsByIp = new Map<string, PodRecord>();
  for (const pod of pods) if (pod.ip) podsByIp.set(pod.ip, pod);

  // Structural names answer NODATA, as in CoreDNS; `default` always exists in Kubernetes.
  b.node(zone);
  b.node(`svc.${zone}`);
  b.node(`pod.${zone}`);
  b.node(`dns-version.${zone}`).txt.push(DNS_SCHEMA_VERSION);
  b.namespace('default');

  for (const svc of catalog.services()) {
    const name = normalizeName(svc.name);
    const ns = normalizeName(svc.namespace);
    b.namespace(ns);
    let set = b.serviceNamespaces.get(name);
    if (!set) b.serviceNamespaces.set(name, (set = new Set()));
    set.add(ns);
    const base = `${name}.${ns}.svc.${zone}`;
    if (isIPv4(svc.clusterIP)) addClusterIpService(b, svc, base);
    else if (svc.clusterIP === 'None') addHeadlessService(b, svc, base, podsByIp);
  }

  for (const pod of pods) {
    const ns = normalizeName(pod.namespace);
    b.namespace(ns);
    if (!isIPv4(pod.ip)) continue;
    const podName = `${dashedIp(pod.ip)}.${ns}.pod.${zone}`;
    b.addA(podName, pod.ip);
    // A pod that is a headless endpoint already has its PTR (to its endpoint name, as CoreDNS answers).
    const rev = reverseName(pod.ip);
    if (rev && !b.names.get(rev)?.ptr.length) b.addPtr(pod.ip, podName);
  }

  return { zone, serial: opts.serial, names: b.names, serviceNamespaces: b.serviceNamespaces };
}

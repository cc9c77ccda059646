// One question → one answer, from the compiled table and the asking pod. Pure: the caller does the I/O.
// Rules follow the Kubernetes DNS spec and CoreDNS's kubernetes plugin (see docs/dns.md), plus the busybox rule.
import type { PodRecord } from './catalog';
import { REVERSE_ZONE_V4, isInZone, labelsBefore, normalizeName } from './names';
import { RECORD_TTL, VERSION_TTL, type NameData, type RecordTable, type Rr } from './records';

export const QTYPE = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  IXFR: 251,
  AXFR: 252,
  ANY: 255,
} as const;

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export interface Question {
  name: string;
  /** Numeric QTYPE (see QTYPE). */
  type: number;
}

/** An answer this server gives itself (authoritative). */
export interface LocalAnswer {
  kind: 'local';
  rcode: number;
  answers: Rr[];
  authorities: Rr[];
  additionals: Rr[];
  /** The answer would differ for another asker (busybox rule), so a cache must key it by the asker's namespace. */
  askerDependent: boolean;
  /** Set when this NXDOMAIN is for a Service-shaped name `<x>.<ns>.svc.<zone>`: a pod waiting for a Service. */
  missingName?: string;
}

/** A name outside the zone (and outside the reverse names we hold): the server forwards it. */
export interface ForwardAnswer {
  kind: 'forward';
  askerDependent: boolean;
  /**
   * The asker is a pod and the first label is a Service in its namespace: this is one of busybox's search
   * expansions (host search domains). A failed or NXDOMAIN upstream answer must become NODATA.
   */
  localServiceExpansion: boolean;
}

export type Resolution = LocalAnswer | ForwardAnswer;

const SOA_REFRESH = 7200;
const SOA_RETRY = 1800;
const SOA_EXPIRE = 86400;

/** The SOA CoreDNS puts in every negative answer: apex owner, TTL min(ttl, 300), MINIMUM = ttl. */
export function soaRecord(apex: string, serial: number, ttl = RECORD_TTL): Rr {
  return {
    name: apex,
    type: 'SOA',
    ttl: Math.min(ttl, 300),
    data: {
      mname: `ns.dns.${apex}`,
      rname: `hostmaster.${apex}`,
      serial,
      refresh: SOA_REFRESH,
      retry: SOA_RETRY,
      expire: SOA_EXPIRE,
      minimum: ttl,
    },
  };
}

/** True when `label` names a Service in the asking pod's own namespace. */
export function isLocalService(table: RecordTable, label: string, asker: PodRecord | undefined): boolean {
  return (
    asker !== undefined && (table.serviceNamespaces.get(label)?.has(normalizeName(asker.namespace)) ?? false)
  );
}

function recordsOf(name: string, type: number, data: NameData, table: RecordTable): Rr[] {
  switch (type) {
    case QTYPE.A:
      return data.a.map((ip) => ({ name, type: 'A', ttl: RECORD_TTL, data: ip }));
    case QTYPE.SRV:
      return data.srv.map((srv) => ({ name, type: 'SRV', ttl: RECORD_TTL, data: srv }));
    case QTYPE.PTR:
      return data.ptr.map((target) => ({ name, type: 'PTR', ttl: RECORD_TTL, data: target }));
    case QTYPE.TXT:
      return data.txt.length ? [{ name, type: 'TXT', ttl: VERSION_TTL, data: data.txt }] : [];
    case QTYPE.SOA:
      return name === table.zone ? [soaRecord(table.zone, table.serial)] : [];
    default:
      // AAAA (the cluster is IPv4-only), MX, ANY, ...: the name exists, so NODATA.
      return [];
  }
}

// SRV answers carry the targets' A records in Additional, as CoreDNS does.
function glueFor(answers: Rr[], table: RecordTable): Rr[] {
  const glue: Rr[] = [];
  const seen = new Set<string>();
  for (const rr of answers) {
    if (rr.type !== 'SRV' || seen.has(rr.data.target)) continue;
    seen.add(rr.data.target);
    for (const ip of table.names.get(rr.data.target)?.a ?? []) {
      glue.push({ name: rr.data.target, type: 'A', ttl: RECORD_TTL, data: ip });
    }
  }
  return glue;
}

function local(
  rcode: number,
  answers: Rr[],
  soa: Rr | undefined,
  extra: Partial<LocalAnswer> = {},
): LocalAnswer {
  return {
    kind: 'local',
    rcode,
    answers,
    authorities: soa ? [soa] : [],
    additionals: [],
    askerDependent: false,
    ...extra,
  };
}

function resolveMissingInZone(table: RecordTable, name: string, asker: PodRecord | undefined): LocalAnswer {
  const soa = soaRecord(table.zone, table.serial);
  const labels = labelsBefore(name, table.zone);
  // busybox nslookup asks every search expansion and fails on any NXDOMAIN: `<x>.svc.<zone>` and `<x>.<zone>`
  // are NODATA for the pod whose namespace has Service x. glibc and musl never get here (they stop at the
  // first positive answer, `<x>.<ns>.svc.<zone>`).
  const expansion = (labels.length === 2 && labels[1] === 'svc') || labels.length === 1;
  const label = labels[0] ?? '';
  if (expansion && table.serviceNamespaces.has(label)) {
    const rcode = isLocalService(table, label, asker) ? RCODE.NOERROR : RCODE.NXDOMAIN;
    return local(rcode, [], soa, { askerDependent: true });
  }
  // A wire label may hold an escaped dot (`a\.b`); such a name is no Service a pod could be waiting for.
  if (labels.length === 3 && labels[2] === 'svc' && !name.includes('\\')) {
    return local(RCODE.NXDOMAIN, [], soa, { missingName: name });
  }
  return local(RCODE.NXDOMAIN, [], soa);
}

/** Answers one question for `asker` (the pod that sent it, if the source address is a pod's). */
export function resolve(table: RecordTable, question: Question, asker?: PodRecord): Resolution {
  const name = normalizeName(question.name);
  const inZone = isInZone(name, table.zone);
  const data = table.names.get(name);
  if (!inZone && !data) {
    const first = name.split('.', 1)[0] ?? '';
    return {
      kind: 'forward',
      askerDependent: table.serviceNamespaces.has(first),
      localServiceExpansion: isLocalService(table, first, asker),
    };
  }
  // Outside the zone the table holds only IPv4 reverse names.
  const soa = soaRecord(inZone ? table.zone : REVERSE_ZONE_V4, table.serial);
  // Zone transfers are not offered (CoreDNS refuses them without the transfer plugin).
  if (question.type === QTYPE.AXFR || question.type === QTYPE.IXFR) {
    return local(RCODE.REFUSED, [], undefined);
  }
  if (!data) return resolveMissingInZone(table, name, asker);
  const answers = recordsOf(name, question.type, data, table);
  if (answers.length === 0) return local(RCODE.NOERROR, [], soa);
  return { ...local(RCODE.NOERROR, answers, undefined), additionals: glueFor(answers, table) };
}

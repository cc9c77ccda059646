// What the DNS server reads: the cluster's Services and pods as plain records. The agent provides it;
// the DNS code never touches stores or the runtime.

export interface ServicePortRecord {
  name?: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface EndpointRecord {
  ip: string;
  /** Pod hostname when the pod sets spec.hostname and the Service is its subdomain. */
  hostname?: string;
  podName?: string;
}

export interface ServiceRecord {
  name: string;
  namespace: string;
  /** An IPv4 address, or 'None' for a headless Service. */
  clusterIP: string;
  ports: ServicePortRecord[];
  /** Ready endpoints only (seed rule 3: pods still initializing never appear). */
  endpoints: EndpointRecord[];
}

export interface PodRecord {
  name: string;
  namespace: string;
  ip: string;
  hostname?: string;
  subdomain?: string;
}

export interface DnsCatalog {
  services(): Iterable<ServiceRecord>;
  pods(): Iterable<PodRecord>;
  /** The pod that owns a source address, if any. */
  podByIp(ip: string): PodRecord | undefined;
  /** Changes whenever services or pods change (lets the server cache its tables). */
  version(): number;
  /** When the last change was published (ms): the SOA serial; default: when the table is built. */
  changedAtMs?(): number;
}

/** Told when a pod keeps asking for a name in the zone that does not exist. */
export type MissingNameListener = (pod: PodRecord, qname: string) => void;

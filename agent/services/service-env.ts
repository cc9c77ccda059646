// The Service environment variables the kubelet gives every container when it is created (kubelet_pods.go
// getServiceEnvVarMap, pkg/kubelet/envvars FromServices): for each Service of the pod's namespace with a
// ClusterIP (enableServiceLinks), and always for the `kubernetes` Service of `default`, `<NAME>_SERVICE_HOST`,
// `<NAME>_SERVICE_PORT[_<PORTNAME>]` and Docker's link variables `<NAME>_PORT[_<port>_<PROTO>[_PROTO|_PORT|_ADDR]]`.
// Read once at container creation: a Service made later is not seen by a running container.
import type { Service } from '../model/service';
import type { ObjectStore } from '../store/object-store';

/** Where the Services come from (the Service store). */
export type ServiceLister = Pick<ObjectStore<Service>, 'list'>;

/** The master Service, given to pods of every namespace even without service links. */
const MASTER = { namespace: 'default', name: 'kubernetes' };

/** IsServiceIPSet: headless (`None`) and ExternalName Services (none; the API refuses that type today) have none. */
const hasClusterIP = (s: Service): boolean => s.spec.clusterIP !== '' && s.spec.clusterIP !== 'None';

const envName = (name: string): string => name.toUpperCase().replaceAll('-', '_');

/** net.JoinHostPort: an IPv6 address in brackets. */
const hostPort = (ip: string, port: number): string =>
  ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;

/** FromServices for one Service, in upstream's order. */
function varsOf(s: Service): [string, string][] {
  const ip = s.spec.clusterIP;
  const ports = s.spec.ports;
  const prefix = envName(s.metadata.name);
  const out: [string, string][] = [
    [`${prefix}_SERVICE_HOST`, ip],
    [`${prefix}_SERVICE_PORT`, String(ports[0]!.port)],
  ];
  for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  ports.forEach((p, i) => {
    const proto = (p.protocol || 'TCP').toLowerCase();
    const url = `${proto}://${hostPort(ip, p.port)}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]); // Docker special-cases the first port
    const portPrefix = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push(
      [portPrefix, url],
      [`${portPrefix}_PROTO`, proto],
      [`${portPrefix}_PORT`, String(p.port)],
      [`${portPrefix}_ADDR`, ip],
    );
  });
  return out;
}

/**
 * getServiceEnvVarMap: the variables for a container of a pod in `namespace`. A Service of the pod's own
 * namespace named `kubernetes` wins over the master one, as upstream's map does.
 */
export function serviceEnv(
  services: readonly Service[],
  namespace: string,
  enableServiceLinks: boolean,
): Map<string, string> {
  const chosen = new Map<string, Service>();
  for (const s of services) {
    if (!hasClusterIP(s) || s.spec.ports.length === 0) continue;
    const { name, namespace: ns } = s.metadata;
    if (ns === MASTER.namespace && name === MASTER.name) {
      if (!chosen.has(name)) chosen.set(name, s);
    } else if (ns === namespace && enableServiceLinks) chosen.set(name, s);
  }
  return new Map([...chosen.values()].flatMap(varsOf));
}

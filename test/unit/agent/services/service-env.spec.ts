// serviceEnv pins the kubelet's getServiceEnvVarMap and envvars.FromServices: which Services a container sees
// (its namespace's with a ClusterIP when enableServiceLinks, `default/kubernetes` always) and the exact names
// and values of their variables. Each case gives the Services and the whole expected map.
import { expect } from 'chai';
import type { Service, ServicePort } from '../../../../agent/model/service';
import { serviceEnv } from '../../../../agent/services/service-env';

const port = (p: number, extra: Partial<ServicePort> = {}): ServicePort => ({
  protocol: 'TCP',
  port: p,
  targetPort: p,
  ...extra,
});
const svc = (namespace: string, name: string, clusterIP: string, ports: ServicePort[]): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, uid: `${namespace}-${name}`, resourceVersion: '1', creationTimestamp: '' },
  spec: {
    type: 'ClusterIP',
    ports,
    clusterIP,
    clusterIPs: [clusterIP],
    sessionAffinity: 'None',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    internalTrafficPolicy: 'Cluster',
  },
  status: { loadBalancer: {} },
});
/** The variables of one Service with one unnamed TCP port. */
const oneTcp = (prefix: string, ip: string, p: number): Record<string, string> => ({
  [`${prefix}_SERVICE_HOST`]: ip,
  [`${prefix}_SERVICE_PORT`]: String(p),
  [`${prefix}_PORT`]: `tcp://${ip}:${p}`,
  [`${prefix}_PORT_${p}_TCP`]: `tcp://${ip}:${p}`,
  [`${prefix}_PORT_${p}_TCP_PROTO`]: 'tcp',
  [`${prefix}_PORT_${p}_TCP_PORT`]: String(p),
  [`${prefix}_PORT_${p}_TCP_ADDR`]: ip,
});
const master = svc('default', 'kubernetes', '10.96.0.1', [port(443, { name: 'https' })]);
const masterVars = {
  ...oneTcp('KUBERNETES', '10.96.0.1', 443),
  KUBERNETES_SERVICE_PORT_HTTPS: '443',
};

describe('services/service-env', () => {
  const cases: {
    name: string;
    services: Service[];
    namespace?: string;
    links?: boolean;
    want: Record<string, string>;
  }[] = [
    {
      name: 'one Service with an unnamed port: host, port and the Docker link variables',
      services: [svc('default', 'redis', '10.96.0.10', [port(6379)])],
      want: oneTcp('REDIS', '10.96.0.10', 6379),
    },
    {
      name: 'named ports: _SERVICE_PORT is the first, each named one has its own; UDP in lower and upper case',
      services: [
        svc('default', 'my-dns', '10.96.0.53', [
          port(53, { name: 'dns-udp', protocol: 'UDP' }),
          port(5353, { name: 'metrics' }),
        ]),
      ],
      want: {
        MY_DNS_SERVICE_HOST: '10.96.0.53',
        MY_DNS_SERVICE_PORT: '53',
        MY_DNS_SERVICE_PORT_DNS_UDP: '53',
        MY_DNS_SERVICE_PORT_METRICS: '5353',
        MY_DNS_PORT: 'udp://10.96.0.53:53',
        MY_DNS_PORT_53_UDP: 'udp://10.96.0.53:53',
        MY_DNS_PORT_53_UDP_PROTO: 'udp',
        MY_DNS_PORT_53_UDP_PORT: '53',
        MY_DNS_PORT_53_UDP_ADDR: '10.96.0.53',
        MY_DNS_PORT_5353_TCP: 'tcp://10.96.0.53:5353',
        MY_DNS_PORT_5353_TCP_PROTO: 'tcp',
        MY_DNS_PORT_5353_TCP_PORT: '5353',
        MY_DNS_PORT_5353_TCP_ADDR: '10.96.0.53',
      },
    },
    {
      name: 'several Services; headless, ExternalName-like (no ClusterIP) and other namespaces are left out',
      services: [
        svc('default', 'a', '10.96.0.2', [port(80)]),
        svc('default', 'headless', 'None', [port(80)]),
        svc('default', 'external', '', [port(80)]),
        svc('other', 'b', '10.96.0.3', [port(81)]),
        svc('default', 'c', '10.96.0.4', [port(82)]),
      ],
      want: { ...oneTcp('A', '10.96.0.2', 80), ...oneTcp('C', '10.96.0.4', 82) },
    },
    {
      name: 'the master Service is given to pods of any namespace',
      services: [master, svc('team', 'web', '10.96.0.5', [port(8080)])],
      namespace: 'team',
      want: { ...masterVars, ...oneTcp('WEB', '10.96.0.5', 8080) },
    },
    {
      name: 'enableServiceLinks false keeps only the master Service',
      services: [master, svc('default', 'web', '10.96.0.5', [port(8080)])],
      links: false,
      want: masterVars,
    },
    {
      name: 'enableServiceLinks false and no master Service: nothing',
      services: [svc('default', 'web', '10.96.0.5', [port(8080)])],
      links: false,
      want: {},
    },
    {
      name: "a `kubernetes` Service of the pod's own namespace wins over the master one, listed before or after",
      services: [
        svc('team', 'kubernetes', '10.96.0.7', [port(80)]),
        master,
        svc('team2', 'kubernetes', '10.96.0.8', [port(80)]),
      ],
      namespace: 'team',
      want: oneTcp('KUBERNETES', '10.96.0.7', 80),
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const got = serviceEnv(c.services, c.namespace ?? 'default', c.links ?? true);
      expect(Object.fromEntries(got)).to.deep.equal(c.want);
    });

  it('names follow upstream order per Service: host, ports, then the link variables', () => {
    const got = serviceEnv(
      [svc('default', 'web', '10.96.0.5', [port(80, { name: 'http' })])],
      'default',
      true,
    );
    expect([...got.keys()]).to.deep.equal([
      'WEB_SERVICE_HOST',
      'WEB_SERVICE_PORT',
      'WEB_SERVICE_PORT_HTTP',
      'WEB_PORT',
      'WEB_PORT_80_TCP',
      'WEB_PORT_80_TCP_PROTO',
      'WEB_PORT_80_TCP_PORT',
      'WEB_PORT_80_TCP_ADDR',
    ]);
  });
});

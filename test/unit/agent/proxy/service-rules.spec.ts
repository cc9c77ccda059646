import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { errorCode } from '../../../../agent/errors';
import {
  type ServiceRule,
  endpointChainName,
  probability,
  renderServiceRules,
  serviceChainName,
} from '../../../../agent/proxy/service-rules';

const CIDR = { serviceCidr: '10.96.0.0/12' };

const web = (endpoints: ServiceRule['endpoints'], extra: Partial<ServiceRule> = {}): ServiceRule => ({
  namespace: 'default',
  name: 'web',
  clusterIP: '10.96.200.10',
  port: 80,
  protocol: 'TCP',
  endpoints,
  ...extra,
});

const ep = (last: number): { ip: string; port: number } => ({ ip: `10.244.0.${last}`, port: 8080 });

const NAT_HEAD = ['*nat', ':MINIKUBELET-SERVICES - [0:0]', ':MINIKUBELET-POSTROUTING - [0:0]'];
const NAT_POSTROUTING = [
  '-A MINIKUBELET-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
  '-A MINIKUBELET-POSTROUTING -j MARK --xor-mark 0x4000',
  '-A MINIKUBELET-POSTROUTING -m comment --comment "hairpin: a pod reaching itself through a Service" -j MASQUERADE',
];
const RANGE = '-d 10.96.0.0/12';
const rangeReject = (chain: string): string[] => [
  `-A ${chain} ${RANGE} -p tcp -m comment --comment "service range: no endpoint" -j REJECT --reject-with tcp-reset`,
  `-A ${chain} ${RANGE} -m comment --comment "service range: no endpoint" -j REJECT --reject-with icmp-port-unreachable`,
];
const FILTER_HEAD = ['*filter', ':MINIKUBELET-FORWARD - [0:0]', ':MINIKUBELET-OUTPUT - [0:0]'];

const SVC = 'MINIKUBELET-SVC-DXNON4QYZIBC';
const SEP2 = 'MINIKUBELET-SEP-R434GMJ7LXIV';
const SEP3 = 'MINIKUBELET-SEP-YXLC6XWGHY22';
const SEP4 = 'MINIKUBELET-SEP-3GC4XTYFC4B7';
const C = '-m comment --comment "default/web:80"';

const lines = (text: string): string[] => text.trimEnd().split('\n');

describe('agent/proxy/service-rules', () => {
  it('renders a Service without endpoints as a reject in both filter chains and nothing in nat', () => {
    const noEndpoints = (chain: string): string =>
      `-A ${chain} -d 10.96.200.10/32 -p tcp -m comment --comment "default/web:80 has no endpoints" ` +
      '-m tcp --dport 80 -j REJECT --reject-with tcp-reset';
    expect(lines(renderServiceRules([web([])], CIDR))).to.deep.equal([
      ...NAT_HEAD,
      ...NAT_POSTROUTING,
      'COMMIT',
      ...FILTER_HEAD,
      noEndpoints('MINIKUBELET-FORWARD'),
      ...rangeReject('MINIKUBELET-FORWARD'),
      noEndpoints('MINIKUBELET-OUTPUT'),
      ...rangeReject('MINIKUBELET-OUTPUT'),
      'COMMIT',
    ]);
  });

  it('renders one endpoint as an unconditional DNAT with the hairpin mark', () => {
    expect(lines(renderServiceRules([web([ep(2)])], CIDR))).to.deep.equal([
      ...NAT_HEAD,
      `:${SVC} - [0:0]`,
      `:${SEP2} - [0:0]`,
      ...NAT_POSTROUTING,
      `-A MINIKUBELET-SERVICES -d 10.96.200.10/32 -p tcp ${C} -m tcp --dport 80 -j ${SVC}`,
      `-A ${SVC} ${C} -j ${SEP2}`,
      `-A ${SEP2} -s 10.244.0.2/32 ${C} -j MARK --or-mark 0x4000`,
      `-A ${SEP2} -p tcp ${C} -j DNAT --to-destination 10.244.0.2:8080`,
      'COMMIT',
      ...FILTER_HEAD,
      ...rangeReject('MINIKUBELET-FORWARD'),
      ...rangeReject('MINIKUBELET-OUTPUT'),
      'COMMIT',
    ]);
  });

  it('spreads three endpoints as kube-proxy does: 1/3, then 1/2 of the rest, then the last', () => {
    // Given out of order, with a duplicate: the output is the same as for the sorted set.
    const text = renderServiceRules([web([ep(4), ep(2), ep(3), ep(2)])], CIDR);
    expect(lines(text)).to.deep.equal([
      ...NAT_HEAD,
      `:${SVC} - [0:0]`,
      `:${SEP2} - [0:0]`,
      `:${SEP3} - [0:0]`,
      `:${SEP4} - [0:0]`,
      ...NAT_POSTROUTING,
      `-A MINIKUBELET-SERVICES -d 10.96.200.10/32 -p tcp ${C} -m tcp --dport 80 -j ${SVC}`,
      `-A ${SVC} ${C} -m statistic --mode random --probability 0.33333 -j ${SEP2}`,
      `-A ${SVC} ${C} -m statistic --mode random --probability 0.50000 -j ${SEP3}`,
      `-A ${SVC} ${C} -j ${SEP4}`,
      `-A ${SEP2} -s 10.244.0.2/32 ${C} -j MARK --or-mark 0x4000`,
      `-A ${SEP2} -p tcp ${C} -j DNAT --to-destination 10.244.0.2:8080`,
      `-A ${SEP3} -s 10.244.0.3/32 ${C} -j MARK --or-mark 0x4000`,
      `-A ${SEP3} -p tcp ${C} -j DNAT --to-destination 10.244.0.3:8080`,
      `-A ${SEP4} -s 10.244.0.4/32 ${C} -j MARK --or-mark 0x4000`,
      `-A ${SEP4} -p tcp ${C} -j DNAT --to-destination 10.244.0.4:8080`,
      'COMMIT',
      ...FILTER_HEAD,
      ...rangeReject('MINIKUBELET-FORWARD'),
      ...rangeReject('MINIKUBELET-OUTPUT'),
      'COMMIT',
    ]);
  });

  it('gives each endpoint an even share overall', () => {
    for (const n of [2, 3, 5, 7]) {
      let left = 1;
      for (let i = 0; i < n - 1; i++) {
        const p = Number(probability(i, n));
        expect(left * p, `endpoint ${i} of ${n}`).to.be.closeTo(1 / n, 1e-4);
        left *= 1 - p;
      }
      expect(left, `last of ${n}`).to.be.closeTo(1 / n, 1e-4);
    }
  });

  it('refuses a UDP Service without endpoints with icmp-port-unreachable', () => {
    const dns = web([], { name: 'dns', clusterIP: '10.96.0.10', port: 53, protocol: 'UDP' });
    expect(lines(renderServiceRules([dns], CIDR))).to.include(
      '-A MINIKUBELET-FORWARD -d 10.96.0.10/32 -p udp -m comment --comment "default/dns:53 has no endpoints" ' +
        '-m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable',
    );
  });

  it('matches UDP and SCTP ports with their own match and DNAT with the protocol', () => {
    const text = renderServiceRules(
      [web([ep(2)], { protocol: 'UDP', port: 53 }), web([ep(2)], { protocol: 'SCTP', port: 9 })],
      CIDR,
    );
    expect(text).to.include(
      '-p udp -m comment --comment "default/web:53" -m udp --dport 53 -j MINIKUBELET-SVC-',
    );
    expect(text).to.include(
      '-p sctp -m comment --comment "default/web:9" -m sctp --dport 9 -j MINIKUBELET-SVC-',
    );
    expect(text).to.match(
      /-p udp -m comment --comment "default\/web:53" -j DNAT --to-destination 10.244.0.2:8080/,
    );
  });

  it('names chains by a stable hash of the Service port and endpoint, within 28 characters', () => {
    expect(serviceChainName(web([]))).to.equal(SVC);
    expect(endpointChainName(web([]), ep(2))).to.equal(SEP2);
    const names = [
      serviceChainName(web([])),
      serviceChainName(web([], { protocol: 'UDP' })),
      serviceChainName(web([], { port: 81 })),
      serviceChainName(web([], { namespace: 'other' })),
      endpointChainName(web([]), ep(2)),
      endpointChainName(web([]), { ip: '10.244.0.2', port: 8081 }),
      endpointChainName(web([], { protocol: 'UDP' }), ep(2)),
    ];
    expect(new Set(names).size).to.equal(names.length);
    for (const n of names) expect(n.length).to.be.at.most(28);
    // The ClusterIP is not part of the name: the chain of a Service port keeps its name.
    expect(serviceChainName(web([], { clusterIP: '10.96.0.99' }))).to.equal(SVC);
  });

  it('puts every Service in the same order whatever order it is given in', () => {
    const a = web([ep(2)], { name: 'a' });
    const b = web([ep(3)], { name: 'b', clusterIP: '10.96.0.20' });
    expect(renderServiceRules([b, a], CIDR)).to.equal(renderServiceRules([a, b], CIDR));
  });

  it('declares stale chains of ours to empty and delete them, after the extra lines, and never others', () => {
    const text = renderServiceRules([web([ep(2)])], {
      ...CIDR,
      existingChains: { nat: ['MINIKUBELET-SERVICES', SVC, 'MINIKUBELET-SEP-OLDOLDOLDOLD', 'DOCKER'] },
      extra: { nat: ['-I PREROUTING 1 -j MINIKUBELET-SERVICES'] },
    });
    const nat = lines(text).slice(0, lines(text).indexOf('COMMIT') + 1);
    expect(nat).to.include(':MINIKUBELET-SEP-OLDOLDOLDOLD - [0:0]');
    expect(nat.slice(-3)).to.deep.equal([
      '-I PREROUTING 1 -j MINIKUBELET-SERVICES',
      '-X MINIKUBELET-SEP-OLDOLDOLDOLD',
      'COMMIT',
    ]);
    expect(text).not.to.include('DOCKER');
    expect(text.match(/-X /g)).to.have.length(1);
  });

  it('rejects rules that would break the whole batch, naming the Service', () => {
    const bad: ServiceRule[] = [
      web([], { clusterIP: 'None' }),
      web([], { port: 0 }),
      web([{ ip: '127.0.0.1', port: 80 }]),
      web([{ ip: '10.244.0.300', port: 80 }]),
      web([], { name: 'we"b' }),
    ];
    for (const r of bad) {
      expect(() => renderServiceRules([r], CIDR), JSON.stringify(r)).to.throw(/default\/we"?b/);
      try {
        renderServiceRules([r], CIDR);
      } catch (err) {
        expect(errorCode(err)).to.equal('InternalError');
      }
    }
    expect(() => renderServiceRules([], { serviceCidr: '10.96.0.0' })).to.throw(/service CIDR/);
  });

  it('writes the service CIDR in its canonical form', () => {
    expect(renderServiceRules([], { serviceCidr: '10.96.1.2/12' })).to.include(`${RANGE} -p tcp`);
  });

  it('is accepted by iptables-restore --test (when this machine has it)', function () {
    const text = renderServiceRules(
      [
        web([ep(2), ep(3), ep(4)]),
        web([], { name: 'empty', clusterIP: '10.96.0.11' }),
        web([ep(2)], { name: 'dns', clusterIP: '10.96.0.10', port: 53, protocol: 'UDP' }),
        web([], { name: 'dns-empty', clusterIP: '10.96.0.12', port: 53, protocol: 'UDP' }),
      ],
      CIDR,
    );
    // --test parses and checks the batch against the kernel without committing it.
    const res = spawnSync('iptables-restore', ['--test', '--noflush'], { input: text, encoding: 'utf8' });
    // Not installed (spawn fails) or not root: nothing to check against here.
    if (res.error !== undefined || /Permission denied|must be root/i.test(res.stderr ?? '')) this.skip();
    expect(res.stderr).to.equal('');
    expect(res.status).to.equal(0);
  });
});

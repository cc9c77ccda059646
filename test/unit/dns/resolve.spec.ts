import { expect } from 'chai';
import type { PodRecord } from '../../../dns/catalog';
import { buildRecordTable, type Rr } from '../../../dns/records';
import { QTYPE, RCODE, resolve, type LocalAnswer, type Resolution } from '../../../dns/resolve';
import { cluster, initPod, prodPod } from './fixtures';

const SERIAL = 1_767_225_600;
const table = buildRecordTable(cluster(), { zone: 'cluster.local', serial: SERIAL });

const soa: Rr = {
  name: 'cluster.local',
  type: 'SOA',
  ttl: 5,
  data: {
    mname: 'ns.dns.cluster.local',
    rname: 'hostmaster.cluster.local',
    serial: SERIAL,
    refresh: 7200,
    retry: 1800,
    expire: 86400,
    minimum: 5,
  },
};

const a = (name: string, ip: string): Rr => ({ name, type: 'A', ttl: 5, data: ip });
const srv = (name: string, port: number, target: string, weight: number): Rr => ({
  name,
  type: 'SRV',
  ttl: 5,
  data: { priority: 0, weight, port, target },
});
const ptr = (name: string, target: string): Rr => ({ name, type: 'PTR', ttl: 5, data: target });

function ask(name: string, type: keyof typeof QTYPE, asker?: PodRecord): Resolution {
  return resolve(table, { name, type: QTYPE[type] }, asker);
}

function local(res: Resolution): LocalAnswer {
  if (res.kind !== 'local') throw new Error(`expected a local answer, got ${res.kind}`);
  return res;
}

describe('dns/resolve', () => {
  describe('positive answers', () => {
    const cases: {
      what: string;
      name: string;
      type: keyof typeof QTYPE;
      answers: Rr[];
      additionals?: Rr[];
    }[] = [
      {
        what: 'a ClusterIP Service has an A record with its ClusterIP',
        name: 'web.default.svc.cluster.local',
        type: 'A',
        answers: [a('web.default.svc.cluster.local', '10.96.0.10')],
      },
      {
        what: 'a ClusterIP Service with no endpoints still answers its ClusterIP',
        name: 'myservice.default.svc.cluster.local',
        type: 'A',
        answers: [a('myservice.default.svc.cluster.local', '10.96.0.20')],
      },
      {
        what: 'a headless Service has one A record per ready endpoint',
        name: 'db.default.svc.cluster.local',
        type: 'A',
        answers: [
          a('db.default.svc.cluster.local', '10.244.0.7'),
          a('db.default.svc.cluster.local', '10.244.0.8'),
        ],
      },
      {
        what: 'a headless endpoint with a hostname is found under that hostname',
        name: 'db-0.db.default.svc.cluster.local',
        type: 'A',
        answers: [a('db-0.db.default.svc.cluster.local', '10.244.0.7')],
      },
      {
        what: 'a headless endpoint without a hostname is found under its dashed IP',
        name: '10-244-0-8.db.default.svc.cluster.local',
        type: 'A',
        answers: [a('10-244-0-8.db.default.svc.cluster.local', '10.244.0.8')],
      },
      {
        what: 'a pod with hostname and subdomain naming a headless Service is <hostname>.<subdomain>.<ns>.svc',
        name: 'alpha.peers.default.svc.cluster.local',
        type: 'A',
        answers: [a('alpha.peers.default.svc.cluster.local', '10.244.0.9')],
      },
      {
        what: 'a named port of a ClusterIP Service has an SRV record pointing at the Service, with A glue',
        name: '_http._tcp.web.default.svc.cluster.local',
        type: 'SRV',
        answers: [srv('_http._tcp.web.default.svc.cluster.local', 80, 'web.default.svc.cluster.local', 100)],
        additionals: [a('web.default.svc.cluster.local', '10.96.0.10')],
      },
      {
        what: 'the SRV protocol label follows the port protocol (UDP)',
        name: '_grpc._udp.api.prod.svc.cluster.local',
        type: 'SRV',
        answers: [srv('_grpc._udp.api.prod.svc.cluster.local', 9000, 'api.prod.svc.cluster.local', 100)],
        additionals: [a('api.prod.svc.cluster.local', '10.96.1.5')],
      },
      {
        what: 'a named port of a headless Service has one SRV per endpoint, weights split, with glue',
        name: '_pg._tcp.db.default.svc.cluster.local',
        type: 'SRV',
        answers: [
          srv('_pg._tcp.db.default.svc.cluster.local', 5432, 'db-0.db.default.svc.cluster.local', 50),
          srv('_pg._tcp.db.default.svc.cluster.local', 5432, '10-244-0-8.db.default.svc.cluster.local', 50),
        ],
        additionals: [
          a('db-0.db.default.svc.cluster.local', '10.244.0.7'),
          a('10-244-0-8.db.default.svc.cluster.local', '10.244.0.8'),
        ],
      },
      {
        what: 'a bare SRV query on a Service lists every port, named or not (CoreDNS extension)',
        name: 'web.default.svc.cluster.local',
        type: 'SRV',
        answers: [
          srv('web.default.svc.cluster.local', 80, 'web.default.svc.cluster.local', 50),
          srv('web.default.svc.cluster.local', 9090, 'web.default.svc.cluster.local', 50),
        ],
        additionals: [a('web.default.svc.cluster.local', '10.96.0.10')],
      },
      {
        what: 'a ClusterIP has a PTR record to its Service',
        name: '10.0.96.10.in-addr.arpa',
        type: 'PTR',
        answers: [ptr('10.0.96.10.in-addr.arpa', 'web.default.svc.cluster.local')],
      },
      {
        what: 'a headless endpoint IP has a PTR record to its endpoint name',
        name: '7.0.244.10.in-addr.arpa',
        type: 'PTR',
        answers: [ptr('7.0.244.10.in-addr.arpa', 'db-0.db.default.svc.cluster.local')],
      },
      {
        what: 'any other pod IP has a PTR record to its pod A name',
        name: '3.0.244.10.in-addr.arpa',
        type: 'PTR',
        answers: [ptr('3.0.244.10.in-addr.arpa', '10-244-0-3.default.pod.cluster.local')],
      },
      {
        what: 'a pod has an A record at <a-b-c-d>.<ns>.pod.<zone>',
        name: '10-244-0-3.default.pod.cluster.local',
        type: 'A',
        answers: [a('10-244-0-3.default.pod.cluster.local', '10.244.0.3')],
      },
      {
        what: 'dns-version.<zone> carries the schema version',
        name: 'dns-version.cluster.local',
        type: 'TXT',
        answers: [{ name: 'dns-version.cluster.local', type: 'TXT', ttl: 28800, data: ['1.1.0'] }],
      },
      {
        what: 'the zone apex answers its SOA',
        name: 'cluster.local',
        type: 'SOA',
        answers: [soa],
      },
    ];
    for (const c of cases) {
      it(`${c.what}: authoritative NOERROR`, () => {
        const res = local(ask(c.name, c.type));
        expect(res.rcode).to.equal(RCODE.NOERROR);
        expect(res.answers).to.deep.equal(c.answers);
        expect(res.additionals).to.deep.equal(c.additionals ?? []);
        expect(res.authorities).to.deep.equal([]);
      });
    }

    it('compares names case-insensitively and ignores a trailing dot', () => {
      const res = local(ask('WEB.Default.SVC.Cluster.Local.', 'A'));
      expect(res.answers).to.deep.equal([a('web.default.svc.cluster.local', '10.96.0.10')]);
    });

    it('uses cluster.local when no zone is given', () => {
      const dflt = buildRecordTable(cluster(), { serial: 1 });
      expect(
        local(resolve(dflt, { name: 'web.default.svc.cluster.local', type: QTYPE.A })).answers,
      ).to.have.length(1);
    });

    it('serves another zone when built for it', () => {
      const other = buildRecordTable(cluster(), { zone: 'corp.example', serial: 1 });
      const res = resolve(other, { name: 'web.default.svc.corp.example', type: QTYPE.A });
      expect(local(res).answers).to.deep.equal([a('web.default.svc.corp.example', '10.96.0.10')]);
      expect(resolve(other, { name: 'web.default.svc.cluster.local', type: QTYPE.A }).kind).to.equal(
        'forward',
      );
    });
  });

  describe('NODATA: the name exists, the type does not (NOERROR, no answer, SOA in authority)', () => {
    const cases: [string, keyof typeof QTYPE][] = [
      ['web.default.svc.cluster.local', 'AAAA'],
      ['web.default.svc.cluster.local', 'TXT'],
      ['web.default.svc.cluster.local', 'MX'],
      ['web.default.svc.cluster.local', 'ANY'],
      ['db.default.svc.cluster.local', 'AAAA'],
      ['_http._tcp.web.default.svc.cluster.local', 'A'],
      ['cluster.local', 'A'],
      ['svc.cluster.local', 'A'],
      ['pod.cluster.local', 'A'],
      ['default.svc.cluster.local', 'A'],
      ['prod.svc.cluster.local', 'AAAA'],
      ['10-244-0-3.default.pod.cluster.local', 'AAAA'],
    ];
    for (const [name, type] of cases) {
      it(`${name} ${type}`, () => {
        const res = local(ask(name, type));
        expect(res.rcode).to.equal(RCODE.NOERROR);
        expect(res.answers).to.deep.equal([]);
        expect(res.authorities).to.deep.equal([soa]);
      });
    }

    it('gives a reverse name asked for another type the in-addr.arpa SOA', () => {
      const res = local(ask('10.0.96.10.in-addr.arpa', 'A'));
      expect(res.rcode).to.equal(RCODE.NOERROR);
      expect(res.authorities).to.have.length(1);
      expect(res.authorities[0]?.name).to.equal('in-addr.arpa');
    });
  });

  describe('NXDOMAIN: the name does not exist (rcode 3, SOA in authority)', () => {
    const cases: [string, string][] = [
      ['a missing Service', 'mydb.default.svc.cluster.local'],
      ['a Service in an unknown namespace', 'web.nope.svc.cluster.local'],
      ['a second label that is neither svc nor pod', 'foo.cluster.local'],
      ['an unknown namespace under svc', 'nope.svc.cluster.local'],
      ['a headless Service with no ready endpoint', 'empty.default.svc.cluster.local'],
      ['an unknown endpoint of a headless Service', 'bogus.db.default.svc.cluster.local'],
      ['an endpoint name under a ClusterIP Service', '10-244-0-5.web.default.svc.cluster.local'],
      ['a pod IP no pod has', '10-244-9-9.default.pod.cluster.local'],
      ['a pod IP in the wrong namespace', '10-244-0-3.prod.pod.cluster.local'],
      ['a name with too many labels', 'x.y.db-0.db.default.svc.cluster.local'],
      ['an unnamed port as SRV', '_9090._tcp.web.default.svc.cluster.local'],
    ];
    for (const [what, name] of cases) {
      it(`${what} (${name})`, () => {
        const res = local(ask(name, 'A'));
        expect(res.rcode).to.equal(RCODE.NXDOMAIN);
        expect(res.answers).to.deep.equal([]);
        expect(res.authorities).to.deep.equal([soa]);
      });
    }
  });

  describe('other answers', () => {
    it('refuses zone transfers', () => {
      expect(local(ask('cluster.local', 'AXFR')).rcode).to.equal(RCODE.REFUSED);
      expect(local(ask('cluster.local', 'IXFR')).rcode).to.equal(RCODE.REFUSED);
    });

    it('forwards names outside the zone', () => {
      expect(ask('example.com', 'A')).to.deep.equal({
        kind: 'forward',
        askerDependent: false,
        localServiceExpansion: false,
      });
    });

    it('forwards reverse names it does not hold (CoreDNS fallthrough)', () => {
      expect(ask('1.1.168.192.in-addr.arpa', 'PTR').kind).to.equal('forward');
      expect(
        ask('1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa', 'PTR').kind,
      ).to.equal('forward');
    });
  });

  describe("busybox nslookup's search expansions", () => {
    const expansions = [
      'myservice.default.svc.cluster.local',
      'myservice.svc.cluster.local',
      'myservice.cluster.local',
    ];

    it('answers every expansion of an existing Service without an error rcode, for A and AAAA', () => {
      for (const name of expansions) {
        for (const type of ['A', 'AAAA'] as const) {
          expect(local(ask(name, type, initPod)).rcode, `${name} ${type}`).to.equal(RCODE.NOERROR);
        }
      }
      expect(local(ask(expansions[0] ?? '', 'A', initPod)).answers).to.have.length(1);
    });

    it('makes the other expansions NODATA with the zone SOA', () => {
      const res = local(ask('myservice.svc.cluster.local', 'A', initPod));
      expect(res.answers).to.deep.equal([]);
      expect(res.authorities).to.deep.equal([soa]);
      expect(res.askerDependent).to.equal(true);
    });

    it('keeps every expansion of a missing Service NXDOMAIN', () => {
      for (const name of ['mydb.default.svc.cluster.local', 'mydb.svc.cluster.local', 'mydb.cluster.local']) {
        for (const type of ['A', 'AAAA'] as const) {
          expect(local(ask(name, type, initPod)).rcode, `${name} ${type}`).to.equal(RCODE.NXDOMAIN);
        }
      }
    });

    it('applies only to a pod of the Service namespace', () => {
      expect(local(ask('myservice.svc.cluster.local', 'A', prodPod)).rcode).to.equal(RCODE.NXDOMAIN);
      expect(local(ask('myservice.svc.cluster.local', 'A')).rcode).to.equal(RCODE.NXDOMAIN);
      expect(local(ask('myservice.cluster.local', 'A')).rcode).to.equal(RCODE.NXDOMAIN);
      expect(local(ask('api.svc.cluster.local', 'A', prodPod)).rcode).to.equal(RCODE.NOERROR);
    });

    it('marks host-search-domain expansions of a local Service for NODATA on failure', () => {
      expect(ask('myservice.corp.example', 'A', initPod)).to.deep.equal({
        kind: 'forward',
        askerDependent: true,
        localServiceExpansion: true,
      });
      expect(ask('myservice.corp.example', 'A', prodPod)).to.include({ localServiceExpansion: false });
      expect(ask('mydb.corp.example', 'A', initPod)).to.include({ localServiceExpansion: false });
    });
  });

  describe('missing names (for "why is my pod stuck")', () => {
    it('names a missing Service-shaped name', () => {
      expect(local(ask('MyDB.default.svc.cluster.local', 'A', initPod)).missingName).to.equal(
        'mydb.default.svc.cluster.local',
      );
    });

    it('does not name other expansions, deeper names or names that exist', () => {
      expect(local(ask('mydb.svc.cluster.local', 'A', initPod)).missingName).to.equal(undefined);
      expect(local(ask('mydb.cluster.local', 'A', initPod)).missingName).to.equal(undefined);
      expect(local(ask('bogus.db.default.svc.cluster.local', 'A', initPod)).missingName).to.equal(undefined);
      expect(local(ask('web.default.svc.cluster.local', 'AAAA', initPod)).missingName).to.equal(undefined);
    });
  });
});

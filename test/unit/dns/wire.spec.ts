import { expect } from 'chai';
import * as dnsPacket from 'dns-packet';
import type { Rr } from '../../../dns/records';
import {
  encodeResponse,
  headerReply,
  instantiate,
  newParsedQuery,
  parseQuery,
  questionName,
  questionReply,
  type ParseStatus,
  type ResponseSpec,
} from '../../../dns/wire';
import { query, rcodeOf } from './fixtures';

const parse = (msg: Buffer): ParseStatus => parseQuery(msg, newParsedQuery());

function withHeader(msg: Buffer, offset: number, value: number): Buffer {
  const b = Buffer.from(msg);
  b.writeUInt16BE(value, offset);
  return b;
}

function spec(name: string, answers: Rr[], extra: Partial<ResponseSpec> = {}): ResponseSpec {
  const q = query(name, 'A');
  return {
    question: q.subarray(12),
    rcode: 0,
    aa: true,
    ra: false,
    answers,
    authorities: [],
    additionals: [],
    ...extra,
  };
}

const aRecords = (name: string, n: number): Rr[] =>
  Array.from({ length: n }, (_, i) => ({
    name,
    type: 'A' as const,
    ttl: 5,
    data: `10.244.${i >> 8}.${i & 255}`,
  }));

describe('dns/wire', () => {
  describe('parseQuery', () => {
    it('reads the question type, class and EDNS size and DO bit', () => {
      const q = newParsedQuery();
      const msg = dnsPacket.encode({
        type: 'query',
        id: 1,
        questions: [{ name: 'web.default.svc.cluster.local', type: 'SRV' }],
        additionals: [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: 4096,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: dnsPacket.DNSSEC_OK,
            flag_do: true,
            options: [],
          },
        ],
      });
      expect(parseQuery(msg, q)).to.equal('ok');
      expect(q).to.include({
        qtype: 33,
        qclass: 1,
        edns: true,
        ednsSize: 4096,
        ednsDo: true,
        ednsVersion: 0,
      });
      expect(q.questionEnd).to.equal(12 + 'web.default.svc.cluster.local'.length + 2 + 4);
    });

    it('resets EDNS state between queries', () => {
      const q = newParsedQuery();
      parseQuery(query('a.cluster.local', 'A', { edns: 1232 }), q);
      parseQuery(query('a.cluster.local', 'A'), q);
      expect(q.edns).to.equal(false);
    });

    it('drops packets shorter than a header and responses (QR=1)', () => {
      expect(parse(Buffer.alloc(11))).to.equal('drop');
      expect(parse(withHeader(query('a.cluster.local', 'A'), 2, 0x8100))).to.equal('drop');
    });

    it('answers NOTIMP for an opcode other than QUERY', () => {
      expect(parse(withHeader(query('a.cluster.local', 'A'), 2, 0x1000))).to.equal('notimp'); // STATUS
      expect(parse(withHeader(query('a.cluster.local', 'A'), 2, 0x2000))).to.equal('notimp'); // NOTIFY
    });

    const formerr: [string, Buffer][] = [
      ['QDCOUNT 0', withHeader(query('a.cluster.local', 'A'), 4, 0)],
      ['QDCOUNT 2', withHeader(query('a.cluster.local', 'A'), 4, 2)],
      ['an answer record in a query', withHeader(query('a.cluster.local', 'A'), 6, 1)],
      ['an authority record in a query', withHeader(query('a.cluster.local', 'A'), 8, 1)],
      ['three additional records', withHeader(query('a.cluster.local', 'A'), 10, 3)],
      ['an additional count with no record', withHeader(query('a.cluster.local', 'A'), 10, 1)],
      ['a name cut short', query('web.default.svc.cluster.local', 'A').subarray(0, 20)],
      ['a question without type and class', query('a.cluster.local', 'A').subarray(0, 12 + 17 + 2)],
      ['a compression pointer in the question', Buffer.from('000101000001000000000000c00c00010001', 'hex')],
      [
        'a name longer than 255 octets',
        query(Array.from({ length: 5 }, () => 'x'.repeat(60)).join('.'), 'A'),
      ],
    ];
    for (const [what, msg] of formerr) {
      it(`answers FORMERR for ${what}`, () => {
        expect(parse(msg)).to.equal('formerr');
      });
    }

    it('answers FORMERR for two OPT records or an OPT not owned by the root', () => {
      const opt = Buffer.from('0000290200000000000000', 'hex');
      const base = query('a.cluster.local', 'A');
      expect(parse(withHeader(Buffer.concat([base, opt, opt]), 10, 2))).to.equal('formerr');
      const named = Buffer.from(['016100', '0029', '0200', '00000000', '0000'].join(''), 'hex');
      expect(parse(withHeader(Buffer.concat([base, named]), 10, 1))).to.equal('formerr');
      expect(parse(withHeader(Buffer.concat([base, opt]), 10, 1))).to.equal('ok');
    });
  });

  describe('questionName', () => {
    it('lowercases and escapes a dot inside a label', () => {
      const msg = Buffer.from(
        '000001000001000000000000' + '03612e42' + '03574542' + '00' + '00010001',
        'hex',
      );
      expect(questionName(msg)).to.equal('a\\.b.web');
    });
  });

  describe('encodeResponse', () => {
    it('encodes every record type so that dns-packet reads it back', () => {
      const answers: Rr[] = [
        { name: 'x.cluster.local', type: 'A', ttl: 5, data: '10.96.0.10' },
        { name: 'x.cluster.local', type: 'PTR', ttl: 5, data: 'web.default.svc.cluster.local' },
        {
          name: 'x.cluster.local',
          type: 'SRV',
          ttl: 5,
          data: { priority: 0, weight: 50, port: 80, target: 'web.default.svc.cluster.local' },
        },
        { name: 'x.cluster.local', type: 'TXT', ttl: 28800, data: ['1.1.0'] },
      ];
      const soa: Rr = {
        name: 'cluster.local',
        type: 'SOA',
        ttl: 5,
        data: {
          mname: 'ns.dns.cluster.local',
          rname: 'hostmaster.cluster.local',
          serial: 42,
          refresh: 7200,
          retry: 1800,
          expire: 86400,
          minimum: 5,
        },
      };
      const buf = encodeResponse(spec('x.cluster.local', answers, { authorities: [soa], rcode: 3 }), 65535);
      const d = dnsPacket.decode(buf);
      expect(rcodeOf(buf)).to.equal(3);
      expect(d.flag_aa).to.equal(true);
      expect(d.flag_qr).to.equal(true);
      expect(d.flag_tc).to.equal(false);
      expect(
        d.answers?.map((r) => ({ name: r.name, type: r.type, data: 'data' in r ? r.data : undefined })),
      ).to.deep.equal([
        { name: 'x.cluster.local', type: 'A', data: '10.96.0.10' },
        { name: 'x.cluster.local', type: 'PTR', data: 'web.default.svc.cluster.local' },
        {
          name: 'x.cluster.local',
          type: 'SRV',
          data: { priority: 0, weight: 50, port: 80, target: 'web.default.svc.cluster.local' },
        },
        { name: 'x.cluster.local', type: 'TXT', data: [Buffer.from('1.1.0')] },
      ]);
      expect(d.authorities?.[0]).to.deep.include({
        name: 'cluster.local',
        type: 'SOA',
        ttl: 5,
        data: soa.data,
      });
    });

    it('compresses owner names to a pointer at the question', () => {
      const one = encodeResponse(
        spec('headless.default.svc.cluster.local', aRecords('headless.default.svc.cluster.local', 1)),
        65535,
      );
      const two = encodeResponse(
        spec('headless.default.svc.cluster.local', aRecords('headless.default.svc.cluster.local', 2)),
        65535,
      );
      // pointer (2) + type, class, ttl, rdlength (10) + address (4)
      expect(two.length - one.length).to.equal(16);
    });

    it('writes SRV targets uncompressed (RFC 2782)', () => {
      const target = 'web.default.svc.cluster.local';
      const buf = encodeResponse(
        spec(target, [
          { name: target, type: 'SRV', ttl: 5, data: { priority: 0, weight: 100, port: 80, target } },
        ]),
        65535,
      );
      const wireTarget = Buffer.from(
        '03web07default03svc07cluster05local00'.replace(/[a-z]+/g, (s) => Buffer.from(s).toString('hex')),
        'hex',
      );
      expect(buf.subarray(buf.length - wireTarget.length).equals(wireTarget)).to.equal(true);
    });

    it('drops answers past the limit and sets TC', () => {
      const name = 'headless.default.svc.cluster.local';
      const buf = encodeResponse(spec(name, aRecords(name, 60)), 512);
      expect(buf.length).to.be.at.most(512);
      const d = dnsPacket.decode(buf);
      expect(d.flag_tc).to.equal(true);
      expect(d.answers?.length).to.be.within(20, 59);
    });

    it('drops additional records past the limit without setting TC', () => {
      const name = 'headless.default.svc.cluster.local';
      const buf = encodeResponse(
        spec(name, aRecords(name, 1), { additionals: aRecords('glue.cluster.local', 60) }),
        512,
      );
      const d = dnsPacket.decode(buf);
      expect(d.flag_tc).to.equal(false);
      expect(d.answers).to.have.length(1);
      expect(d.additionals?.length).to.be.below(60);
    });
  });

  describe('instantiate', () => {
    it("patches ID, RD, CD and the asker's question case into a cached answer, and echoes EDNS with DO", () => {
      const template = encodeResponse(spec('web.cluster.local', aRecords('web.cluster.local', 1)), 65535);
      const msg = dnsPacket.encode({
        type: 'query',
        id: 0xbeef,
        flags: dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED,
        questions: [{ name: 'WeB.ClUsTeR.lOcAl', type: 'A' }],
        additionals: [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: 4096,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: dnsPacket.DNSSEC_OK,
            flag_do: true,
            options: [],
          },
        ],
      });
      const q = newParsedQuery();
      expect(parseQuery(msg, q)).to.equal('ok');
      const d = dnsPacket.decode(instantiate(template, msg, q));
      expect(d.id).to.equal(0xbeef);
      expect(d.flag_rd).to.equal(true);
      expect(d.flag_cd).to.equal(true);
      expect(d.questions?.[0]?.name).to.equal('WeB.ClUsTeR.lOcAl');
      expect(d.answers?.[0]).to.deep.include({ name: 'WeB.ClUsTeR.lOcAl', data: '10.244.0.0' });
      expect(d.additionals).to.have.length(1);
      expect(d.additionals?.[0]).to.deep.include({ type: 'OPT', udpPayloadSize: 1232, flag_do: true });
      // The template itself is untouched.
      expect(template.readUInt16BE(0)).to.equal(0);
    });
  });

  describe('error replies', () => {
    it('headerReply echoes ID, opcode and RD with every section empty', () => {
      const msg = withHeader(query('a.cluster.local', 'A', { id: 7 }), 2, 0x1100);
      const r = headerReply(msg, 4);
      expect(r.length).to.equal(12);
      expect(r.readUInt16BE(0)).to.equal(7);
      expect(r.readUInt16BE(2)).to.equal(0x8000 | 0x1000 | 0x0100 | 4);
      expect(r.subarray(4).equals(Buffer.alloc(8))).to.equal(true);
    });

    it('questionReply keeps the question and carries an extended rcode in OPT (BADVERS)', () => {
      const msg = query('a.cluster.local', 'A', { edns: 1232 });
      const q = newParsedQuery();
      parseQuery(msg, q);
      const d = dnsPacket.decode(questionReply(msg, q, 0, { ra: true, extRcode: 1 }));
      expect(d.questions).to.deep.equal([{ name: 'a.cluster.local', type: 'A', class: 'IN' }]);
      expect(d.flag_ra).to.equal(true);
      expect(d.additionals?.[0]).to.deep.include({ type: 'OPT', extendedRcode: 1 });
    });
  });
});

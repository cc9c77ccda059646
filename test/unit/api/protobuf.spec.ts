// The protobuf bodies real kubectl sends (test/fixtures/protobuf/, recorded by
// scripts/capture-protobuf-fixtures.ts) decode to the JSON `kubectl create --dry-run=client -o json` prints.
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MiniKubeletError } from '../../../agent/errors';
import { decodeProtobuf } from '../../../api/protobuf';
import { goDuration } from '../../../api/protobuf-special';
import { CASES, FIXTURE_DIR, REVIEW_CASES } from '../../../scripts/capture-protobuf-fixtures';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'protobuf');
const read = (minor: string, file: string): Buffer =>
  readFileSync(join(FIXTURES, `kubectl-1.${minor}`, file));

describe('protobuf request bodies', () => {
  it('the capture script writes where this test reads', () => {
    expect(FIXTURE_DIR).to.equal(FIXTURES);
  });

  for (const name of Object.keys(CASES)) {
    it(`kubectl 1.35 create ${name}: the protobuf body decodes to the JSON kubectl prints`, () => {
      const printed: unknown = JSON.parse(read('35', `${name}.json`).toString('utf8'));
      expect(decodeProtobuf(read('35', `${name}.pb`))).to.deep.equal(printed);
    });
  }

  for (const [name, args] of Object.entries(REVIEW_CASES)) {
    it(`kubectl 1.35 ${args.join(' ')}: the protobuf body decodes to the JSON kubectl 1.29 sends`, () => {
      const sent = JSON.parse(read('29', `${name}.sent.json`).toString('utf8')) as {
        metadata: Record<string, unknown>;
        spec?: Record<string, unknown>;
      };
      // Two differences that mean the same: 1.29's ObjectMeta printed a zero creationTimestamp as null (omitzero
      // since), and Go prints a nil pointer with no omitempty (TokenRequest's boundObjectRef) as null where the
      // decoder leaves it out.
      expect(sent.metadata).to.deep.equal({ creationTimestamp: null });
      sent.metadata = {};
      if (sent.spec?.['boundObjectRef'] === null) delete sent.spec['boundObjectRef'];
      expect(decodeProtobuf(read('35', `${name}.pb`))).to.deep.equal(sent);
    });
  }

  it('kubectl 1.29 sends JSON for every create (only 1.35 sends protobuf)', () => {
    const files = readdirSync(join(FIXTURES, 'kubectl-1.29'));
    expect(files.filter((f) => f.endsWith('.pb'))).to.deep.equal([]);
    for (const name of Object.keys(CASES)) {
      const sent: unknown = JSON.parse(read('29', `${name}.sent.json`).toString('utf8'));
      expect(sent, name).to.deep.include({
        kind: (JSON.parse(read('29', `${name}.json`).toString()) as { kind: string }).kind,
      });
    }
  });
});

/** A minimal protobuf writer for hand-made bodies. */
const varint = (n: bigint): Buffer => {
  const out: number[] = [];
  let u = BigInt.asUintN(64, n);
  do {
    const b = Number(u & 0x7fn);
    u >>= 7n;
    out.push(u ? b | 0x80 : b);
  } while (u);
  return Buffer.from(out);
};
type Field = [number, bigint | number | boolean | string | Buffer];
const msg = (...fields: Field[]): Buffer =>
  Buffer.concat(
    fields.map(([n, v]) => {
      if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean')
        return Buffer.concat([varint(BigInt(n * 8)), varint(BigInt(v))]);
      const bytes = typeof v === 'string' ? Buffer.from(v) : v;
      return Buffer.concat([varint(BigInt(n * 8 + 2)), varint(BigInt(bytes.length)), bytes]);
    }),
  );
const envelope = (apiVersion: string, kind: string, object: Buffer): Buffer =>
  Buffer.concat([Buffer.from('k8s\0', 'latin1'), msg([1, msg([1, apiVersion], [2, kind])], [2, object])]);
const meta = (name: string, ...more: Field[]): Field => [1, msg([1, name], ...more)];

function refused(body: Buffer): MiniKubeletError {
  try {
    decodeProtobuf(body);
  } catch (err) {
    if (err instanceof MiniKubeletError) return err;
    throw err;
  }
  throw new Error('decoded');
}

describe('protobuf decoding of the special types', () => {
  it("a review's extra values as lists of strings (Go's []string), not `items` objects", () => {
    const extra = (key: string, ...values: string[]): Field => [
      5,
      msg([1, key], [2, msg(...values.map((v): Field => [1, v]))]),
    ];
    const decoded = decodeProtobuf(
      envelope(
        'authorization.k8s.io/v1',
        'SubjectAccessReview',
        msg([2, msg(extra('k', 'a', 'b'), extra('e'))]),
      ),
    ) as { spec: { extra: unknown } };
    expect(decoded.spec.extra).to.deep.equal({ k: ['a', 'b'], e: [] });
  });

  it('Time and MicroTime as RFC 3339 in UTC, a deletion grace period, owner references', () => {
    const event = msg(
      meta(
        'e',
        [9, msg([1, 1700000000])],
        [10, 30],
        [13, msg([5, 'apps/v1'], [1, 'ReplicaSet'], [3, 'rs'], [4, 'u'], [6, true])],
      ),
      [6, msg([1, 1700000000])],
      [10, msg([1, 1700000000], [2, 123456789])],
      [8, -1],
    );
    const got = decodeProtobuf(envelope('v1', 'Event', event)) as Record<string, Record<string, unknown>>;
    expect(got.metadata).to.deep.equal({
      name: 'e',
      deletionTimestamp: '2023-11-14T22:13:20Z',
      deletionGracePeriodSeconds: 30,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true },
      ],
    });
    expect(got).to.deep.include({
      firstTimestamp: '2023-11-14T22:13:20Z',
      lastTimestamp: null,
      eventTime: '2023-11-14T22:13:20.123456Z',
      count: -1,
    });
  });

  it('IntOrString as a number or a string; Quantity as its string; bytes as base64', () => {
    const svc = msg(meta('s'), [
      2,
      msg([1, msg([3, 80], [4, msg([1, 1], [3, 'http'])])], [1, msg([3, 81], [4, msg([2, 8081])])]),
    ]);
    const got = decodeProtobuf(envelope('v1', 'Service', svc)) as { spec: { ports: unknown[] } };
    expect(got.spec.ports).to.deep.equal([
      { port: 80, targetPort: 'http' },
      { port: 81, targetPort: 8081 },
    ]);
    const secret = msg(meta('x'), [2, msg([1, 'k'], [2, Buffer.from([0, 255, 1])])]);
    expect((decodeProtobuf(envelope('v1', 'Secret', secret)) as { data: unknown }).data).to.deep.equal({
      k: 'AP8B',
    });
  });

  it('Duration as Go prints it', () => {
    expect(goDuration(0n)).to.equal('0s');
    expect(goDuration(1500n)).to.equal('1.5µs');
    expect(goDuration(3_600_000_000_000n)).to.equal('1h0m0s');
    expect(goDuration(90_500_000_000n)).to.equal('1m30.5s');
    expect(goDuration(-2_000_000n)).to.equal('-2ms');
  });

  it('a pointer scalar present with its zero value is kept; absent, it stays absent', () => {
    const deploy = (spec: Buffer): unknown =>
      (decodeProtobuf(envelope('apps/v1', 'Deployment', msg(meta('d'), [2, spec]))) as { spec: unknown })
        .spec;
    expect(deploy(msg([1, 0]))).to.deep.include({ replicas: 0 });
    expect(deploy(msg())).to.not.have.property('replicas');
  });
});

describe('protobuf DeleteOptions (what Helm sends deleting its release Secrets)', () => {
  for (const apiVersion of ['v1', 'apps/v1', 'meta.k8s.io/v1']) {
    it(`decodes under ${apiVersion}: grace period, preconditions, propagation policy, dry run`, () => {
      const options = msg([1, 0], [2, msg([1, 'u'], [2, '7'])], [4, 'Background'], [5, 'All']);
      expect(decodeProtobuf(envelope(apiVersion, 'DeleteOptions', options))).to.deep.equal({
        kind: 'DeleteOptions',
        apiVersion,
        gracePeriodSeconds: 0,
        preconditions: { uid: 'u', resourceVersion: '7' },
        propagationPolicy: 'Background',
        dryRun: ['All'],
      });
    });
  }

  it('an empty DeleteOptions is an empty object, and an unknown apiVersion is still refused', () => {
    expect(decodeProtobuf(envelope('v1', 'DeleteOptions', msg()))).to.deep.equal({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
    });
    expect(refused(envelope('storage.k8s.io/v1', 'DeleteOptions', msg())).code).to.equal(
      'UnsupportedMediaType',
    );
  });
});

describe('protobuf Eviction (what kubectl drain posts to pods/eviction)', () => {
  it('decodes policy/v1 Eviction with its DeleteOptions', () => {
    expect(
      decodeProtobuf(envelope('policy/v1', 'Eviction', msg(meta('web-0'), [2, msg([1, 30])]))),
    ).to.deep.equal({
      kind: 'Eviction',
      apiVersion: 'policy/v1',
      metadata: { name: 'web-0' },
      deleteOptions: { gracePeriodSeconds: 30 },
    });
  });
});

describe('protobuf bodies refused', () => {
  it('a kind outside v1, apps/v1 and batch/v1 with 415 naming it', () => {
    const err = refused(envelope('storage.k8s.io/v1', 'StorageClass', msg(meta('p'))));
    expect(err.code).to.equal('UnsupportedMediaType');
    expect(err.message).to.contain('storage.k8s.io/v1 StorageClass');
  });

  const malformed: Record<string, Buffer> = {
    'a truncated varint': Buffer.concat([Buffer.from('k8s\0', 'latin1'), Buffer.from([0x0a, 0xff])]),
    'a length past the end': envelope('v1', 'Pod', Buffer.from([0x0a, 0x7f, 0x01])),
    'a string field sent as a varint': envelope('v1', 'Pod', msg([1, msg([1, 5])])),
    'a group wire type': envelope('v1', 'Pod', Buffer.from([0x0b])),
    'an embedded object that is no JSON': envelope(
      'apps/v1',
      'ControllerRevision',
      msg(meta('r'), [2, msg([1, '{not json'])]),
    ),
    'a year past 9999': envelope('v1', 'Pod', msg(meta('p', [9, msg([1, 300000000000])]))),
  };
  for (const [why, body] of Object.entries(malformed)) {
    it(`${why}: 400 BadRequest`, () => {
      const err = refused(body);
      expect(err.code, err.message).to.equal('BadRequest');
      expect(err.message).to.match(/^error decoding protobuf: /);
    });
  }

  it('bytes nested deep under a field the table does not know are skipped, not recursed into', () => {
    const deep = Array.from({ length: 1000 }).reduce<Buffer>((inner) => msg([99, inner]), Buffer.alloc(0));
    expect(decodeProtobuf(envelope('v1', 'Namespace', msg(meta('n'), [99, deep])))).to.deep.include({
      metadata: { name: 'n' },
    });
  });

  it('a body of empty elements that would expand past the budget: 400', () => {
    const many = Buffer.concat(Array.from({ length: 60_000 }, () => Buffer.from([0x12, 0x00])));
    const err = refused(envelope('v1', 'Pod', msg(meta('p'), [2, many])));
    expect(err.code).to.equal('BadRequest');
  });
});

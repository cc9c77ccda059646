// ConfigMaps and Secrets through the API: upstream's validation (keys, 1 MiB, binaryData overlap, Secret
// types and their keys, immutable), stringData merged into data, Table columns, patch, dry run and watch.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import type { FieldCause } from '../../../agent/errors';
import type { ConfigMap, Secret } from '../../../agent/model/config-objects';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const NS = '/api/v1/namespaces/default';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

interface Status {
  code: number;
  reason: string;
  message: string;
  details?: { causes?: FieldCause[] };
}

describe('api: configmaps and secrets', () => {
  let h: Harness;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  const send = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: object, type?: string) =>
    h.api.inject({
      method,
      url,
      ...(body ? { payload: body } : {}),
      ...(type ? { headers: { 'content-type': type } } : {}),
    });
  const cm = (name: string, extra: object = {}) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name },
    ...extra,
  });
  const secret = (name: string, extra: object = {}) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    ...extra,
  });

  it('creates, reads and lists a ConfigMap, with kubectl get columns NAME DATA AGE', async () => {
    const res = await send(
      'POST',
      `${NS}/configmaps`,
      cm('game', { data: { a: '1', 'b.txt': 'two' }, binaryData: { bin: b64('\u0000') } }),
    );
    expect(res.statusCode, res.body).to.equal(201);
    const got = (await h.api.inject({ url: `${NS}/configmaps/game` })).json<ConfigMap>();
    expect(got.data).to.deep.equal({ a: '1', 'b.txt': 'two' });
    expect(got.metadata.uid).to.be.a('string');
    clock.advance(65_000);
    const table = (await h.api.inject({ url: `${NS}/configmaps`, headers: { accept: TABLE } })).json<{
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    }>();
    expect(table.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Data', 'Age']);
    expect(table.rows[0]?.cells).to.deep.equal(['game', 3, '65s']);
  });

  it('refuses bad keys, binaryData that repeats a data key, and more than 1 MiB, with causes', async () => {
    const res = await send(
      'POST',
      `${NS}/configmaps`,
      cm('bad', { data: { 'a b': 'x', '..x': 'y', ok: 'z' }, binaryData: { ok: b64('z') } }),
    );
    expect(res.statusCode).to.equal(422);
    const s = res.json<Status>();
    expect(s.reason).to.equal('Invalid');
    expect(s.details?.causes?.map((c) => c.field)).to.deep.equal(['data[a b]', 'data[..x]', 'binaryData']);
    expect(s.message).to.include(
      `data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    );
    expect(s.message).to.include(`data[..x]: Invalid value: "..x": must not start with '..'`);
    expect(s.message).to.include('binaryData: Invalid value: "ok": duplicate of key present in data');
    const mib = 1024 * 1024;
    const exact = await send('POST', `${NS}/configmaps`, cm('exact', { data: { k: 'x'.repeat(mib) } }));
    expect(exact.statusCode, exact.body.slice(0, 300)).to.equal(201);
    const over = await send('POST', `${NS}/configmaps`, cm('over', { data: { k: 'x'.repeat(mib + 1) } }));
    expect(over.statusCode).to.equal(422);
    expect(over.json<Status>().message).to.equal(
      'ConfigMap "over" is invalid: []: Too long: may not be more than 1048576 bytes',
    );
    const secretOver = await send(
      'POST',
      `${NS}/secrets`,
      secret('big', { data: { k: Buffer.alloc(mib + 1).toString('base64') } }),
    );
    expect(secretOver.json<Status>().message).to.equal(
      'Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes',
    );
    const secretExact = await send(
      'POST',
      `${NS}/secrets`,
      secret('fits', { data: { k: Buffer.alloc(mib).toString('base64') } }),
    );
    expect(secretExact.statusCode).to.equal(201);
  });

  it('merges stringData into data (stringData wins), defaults the type to Opaque and never stores stringData', async () => {
    const res = await send(
      'POST',
      `${NS}/secrets`,
      secret('s', { data: { a: b64('old'), b: b64('keep') }, stringData: { a: 'new' } }),
    );
    expect(res.statusCode, res.body).to.equal(201);
    const s = res.json<Secret>();
    expect(s.data).to.deep.equal({ a: b64('new'), b: b64('keep') });
    expect(s.type).to.equal('Opaque');
    expect(s).to.not.have.property('stringData');
    clock.advance(3_000);
    const table = (await h.api.inject({ url: `${NS}/secrets`, headers: { accept: TABLE } })).json<{
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    }>();
    expect(table.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Type', 'Data', 'Age']);
    expect(table.rows[0]?.cells).to.deep.equal(['s', 'Opaque', 2, '3s']);
  });

  it('answers 400 for data that is not base64, as the decoder does', async () => {
    const res = await send('POST', `${NS}/secrets`, secret('s', { data: { a: 'not base64!' } }));
    expect(res.statusCode).to.equal(400);
    expect(res.json<Status>().message).to.equal(
      'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3',
    );
  });

  const typed: [string, object, string[]][] = [
    ['kubernetes.io/tls', {}, ['data[tls.crt]', 'data[tls.key]']],
    ['kubernetes.io/tls', { 'tls.crt': b64('c') }, ['data[tls.key]']],
    ['kubernetes.io/dockerconfigjson', {}, ['data[.dockerconfigjson]']],
    ['kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('{nope') }, ['data[.dockerconfigjson]']],
    ['kubernetes.io/dockercfg', {}, ['data[.dockercfg]']],
    ['kubernetes.io/basic-auth', {}, ['data[username]', 'data[password]']],
    ['kubernetes.io/ssh-auth', {}, ['data[ssh-privatekey]']],
    ['kubernetes.io/service-account-token', {}, ['metadata.annotations[kubernetes.io/service-account.name]']],
  ];
  for (const [type, data, fields] of typed) {
    it(`requires the keys of ${type}: ${fields.join(', ')} (given: ${Object.keys(data).join(', ') || 'none'})`, async () => {
      const res = await send('POST', `${NS}/secrets`, secret('t', { type, data }));
      expect(res.statusCode).to.equal(422);
      expect(res.json<Status>().details?.causes?.map((c) => c.field)).to.deep.equal(fields);
    });
  }

  it('takes each type with its keys, and never echoes a value in an error', async () => {
    const ok: [string, Record<string, string>][] = [
      ['kubernetes.io/tls', { 'tls.crt': b64('c'), 'tls.key': b64('k') }],
      ['kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('{"auths":{}}') }],
      ['kubernetes.io/basic-auth', { username: b64('u') }],
      ['kubernetes.io/ssh-auth', { 'ssh-privatekey': b64('k') }],
      ['Opaque', {}],
    ];
    for (const [i, [type, data]] of ok.entries()) {
      const res = await send('POST', `${NS}/secrets`, secret(`t${i}`, { type, data }));
      expect(res.statusCode, `${type}: ${res.body}`).to.equal(201);
    }
    const leaky = await send(
      'POST',
      `${NS}/secrets`,
      secret('leak', {
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': b64('{"auths": hunter2-SECRET}') },
      }),
    );
    expect(leaky.statusCode).to.equal(422);
    expect(leaky.body).to.not.include('hunter2');
    expect(leaky.body).to.include('<secret contents redacted>');
  });

  it('refuses to change an immutable ConfigMap or Secret (422), its metadata may change', async () => {
    await send('POST', `${NS}/configmaps`, cm('frozen', { data: { a: '1' }, immutable: true }));
    const change = await send(
      'PUT',
      `${NS}/configmaps/frozen`,
      cm('frozen', { data: { a: '2' }, immutable: true }),
    );
    expect(change.statusCode).to.equal(422);
    expect(change.json<Status>().message).to.equal(
      'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    );
    const thaw = await send(
      'PATCH',
      `${NS}/configmaps/frozen`,
      { immutable: false },
      'application/merge-patch+json',
    );
    expect(thaw.statusCode).to.equal(422);
    const label = await send(
      'PATCH',
      `${NS}/configmaps/frozen`,
      { metadata: { labels: { a: 'b' } } },
      'application/merge-patch+json',
    );
    expect(label.statusCode, label.body).to.equal(200);
    await send('POST', `${NS}/secrets`, secret('sfrozen', { data: { a: b64('1') }, immutable: true }));
    const s = await send(
      'PATCH',
      `${NS}/secrets/sfrozen`,
      { stringData: { a: '2' } },
      'application/merge-patch+json',
    );
    expect(s.statusCode).to.equal(422);
    const type = await send(
      'PATCH',
      `${NS}/secrets/sfrozen`,
      { type: 'kubernetes.io/basic-auth' },
      'application/merge-patch+json',
    );
    expect(type.json<Status>().message).to.include(
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    );
  });

  it('patches (strategic merge and JSON patch), dry-runs and deletes', async () => {
    await send('POST', `${NS}/configmaps`, cm('c', { data: { a: '1' } }));
    const smp = await send(
      'PATCH',
      `${NS}/configmaps/c`,
      { data: { b: '2' } },
      'application/strategic-merge-patch+json',
    );
    expect(smp.json<ConfigMap>().data).to.deep.equal({ a: '1', b: '2' });
    const jp = await h.api.inject({
      method: 'PATCH',
      url: `${NS}/configmaps/c`,
      headers: { 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify([{ op: 'remove', path: '/data/a' }]),
    });
    expect(jp.json<ConfigMap>().data).to.deep.equal({ b: '2' });
    const dry = await send('POST', `${NS}/configmaps?dryRun=All`, cm('dry', { data: { a: '1' } }));
    expect(dry.statusCode).to.equal(201);
    expect((await h.api.inject({ url: `${NS}/configmaps/dry` })).statusCode).to.equal(404);
    const dryDelete = await send('DELETE', `${NS}/configmaps/c?dryRun=All`);
    expect(dryDelete.statusCode).to.equal(200);
    expect((await h.api.inject({ url: `${NS}/configmaps/c` })).statusCode).to.equal(200);
    expect((await send('DELETE', `${NS}/configmaps/c`)).statusCode).to.equal(200);
    expect((await h.api.inject({ url: `${NS}/configmaps/c` })).statusCode).to.equal(404);
  });

  it('deletes a Secret whose DELETE carries a protobuf DeleteOptions body (Helm uninstall), dry run honoured', async () => {
    await send('POST', `${NS}/secrets`, secret('sh.helm.release.v1.r.v1', { data: { release: 'eA==' } }));
    // k8s\0 + runtime.Unknown{typeMeta{apiVersion v1, kind DeleteOptions}, raw: DeleteOptions{...}}
    const body = (options: number[]): Buffer =>
      Buffer.from([
        ...Buffer.from('k8s\0', 'latin1'),
        0x0a,
        0x13,
        0x0a,
        0x02,
        ...Buffer.from('v1'),
        0x12,
        0x0d,
        ...Buffer.from('DeleteOptions'),
        0x12,
        options.length,
        ...options,
      ]);
    const del = (options: number[]) =>
      h.api.inject({
        method: 'DELETE',
        url: `${NS}/secrets/sh.helm.release.v1.r.v1`,
        headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
        payload: body(options),
      });
    const dryRun = [0x2a, 0x03, ...Buffer.from('All')]; // dryRun (5): ["All"]
    expect((await del(dryRun)).statusCode).to.equal(200);
    expect((await h.api.inject({ url: `${NS}/secrets/sh.helm.release.v1.r.v1` })).statusCode).to.equal(200);
    const background = [0x22, 0x0a, ...Buffer.from('Background')]; // propagationPolicy (4)
    const res = await del(background);
    expect(res.statusCode, res.body).to.equal(200);
    expect((await h.api.inject({ url: `${NS}/secrets/sh.helm.release.v1.r.v1` })).statusCode).to.equal(404);
  });

  it('streams changes to a watch', async () => {
    const list = (await h.api.inject({ url: `${NS}/secrets` })).json<{
      metadata: { resourceVersion: string };
    }>();
    await send('POST', `${NS}/secrets`, secret('w', { stringData: { a: 'b' } }));
    await send('DELETE', `${NS}/secrets/w`);
    const pending = h.api.inject({
      url: `${NS}/secrets?watch=true&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=1`,
    });
    await h.waitFor('watcher registered', () => h.agent.watches.watcherCount === 1);
    clock.advance(2_000); // the watch's timeoutSeconds runs on the agent's clock
    const res = await pending;
    const types = res.body
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).to.deep.equal(['ADDED', 'DELETED']);
  });

  it('lists the kinds in discovery', async () => {
    const res = (await h.api.inject({ url: '/api/v1' })).json<{
      resources: { name: string; shortNames?: string[] }[];
    }>();
    const names = res.resources.map((r) => r.name);
    expect(names).to.include.members(['configmaps', 'secrets']);
    expect(res.resources.find((r) => r.name === 'configmaps')?.shortNames).to.deep.equal(['cm']);
  });

  it('validates env references and envFrom in pods as upstream does', async () => {
    const res = await send('POST', `${NS}/pods`, {
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'busybox',
            env: [
              { name: 'A', value: 'x', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } },
              { name: 'B', valueFrom: { secretKeyRef: { name: 'Bad_Name', key: '' } } },
              { name: 'C', valueFrom: {} },
            ],
            envFrom: [{ prefix: 'P=', configMapRef: { name: 'cm' }, secretRef: { name: 's' } }, {}],
          },
        ],
      },
    });
    expect(res.statusCode).to.equal(422);
    const causes = res.json<Status>().details?.causes?.map((c) => `${c.field}: ${c.message}`);
    expect(causes).to.deep.equal([
      'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      `spec.containers[0].env[1].valueFrom.secretKeyRef.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      'spec.containers[0].env[1].valueFrom.secretKeyRef.key: Required value',
      'spec.containers[0].env[2].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      'spec.containers[0].envFrom[0].prefix: Invalid value: "P=": a valid environment variable name must consist only of printable ASCII characters other than \'=\'',
      'spec.containers[0].envFrom: Invalid value: "": may not have more than one field specified at a time',
      'spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`',
    ]);
  });
});

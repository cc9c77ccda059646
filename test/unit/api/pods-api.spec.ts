import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

interface Status {
  kind: string;
  status: string;
  reason: string;
  code: number;
  message: string;
  details?: { causes?: { field: string; reason: string; message: string }[] };
}

describe('api/routes/pods (bad input)', () => {
  let h: Harness;
  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  after(async () => h.stop());

  const post = (payload: string, type = 'application/json') =>
    h.api.inject({ method: 'POST', url: '/pods', headers: { 'content-type': type }, payload });
  const expectStatus = (
    res: { statusCode: number; json: () => unknown },
    code: number,
    reason: string,
  ): Status => {
    expect(res.statusCode).to.equal(code);
    const s = res.json() as Status;
    expect(s).to.include({ kind: 'Status', status: 'Failure', code, reason });
    expect(s.message).to.be.a('string').and.not.equal('');
    return s;
  };
  const good = JSON.stringify({
    kind: 'Pod',
    metadata: { name: 'ok' },
    spec: { containers: [{ name: 'c', image: 'busybox' }] },
  });

  it('400 for malformed JSON and YAML', async () => {
    expectStatus(await post('{"kind": "Pod",'), 400, 'BadRequest');
    expectStatus(await post('kind: [Pod', 'application/yaml'), 400, 'BadRequest');
  });

  it('400 for a wrong kind or a body that is not an object', async () => {
    expectStatus(await post(JSON.stringify({ kind: 'Service', metadata: { name: 'x' } })), 400, 'BadRequest');
    expectStatus(await post('[1,2]'), 400, 'BadRequest');
  });

  it('415 for an unknown media type', async () => {
    expectStatus(await post(good, 'text/html'), 415, 'UnsupportedMediaType');
  });

  it('413 for a body over the limit', async () => {
    const big = JSON.stringify({
      kind: 'Pod',
      metadata: { name: 'x', annotations: { a: 'x'.repeat(4 * 1024 * 1024) } },
    });
    expectStatus(await post(big), 413, 'RequestEntityTooLarge');
  });

  it('422 with field causes for a missing or invalid name and bad containers', async () => {
    const s = expectStatus(
      await post(
        JSON.stringify({
          kind: 'Pod',
          metadata: {},
          spec: { containers: [{ name: 'Bad_Name', image: 'b' }] },
        }),
      ),
      422,
      'Invalid',
    );
    expect(s.details?.causes?.map((c) => c.field)).to.deep.equal([
      'metadata.name',
      'spec.containers[0].name',
    ]);
    expect(s.details?.causes?.[0]).to.deep.equal({
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: 'metadata.name',
    });
  });

  it("the decoder's 400, not a crash, for fields of the wrong type (the first in the body)", async () => {
    const s = expectStatus(
      await post(
        JSON.stringify({
          kind: 'Pod',
          metadata: { name: 'x', labels: { a: 1 } },
          spec: { containers: 'nope' },
        }),
      ),
      400,
      'BadRequest',
    );
    expect(s.message).to.equal(
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string',
    );
  });

  it('201 once, then 409 AlreadyExists for the same name', async () => {
    expect((await post(good)).statusCode).to.equal(201);
    const s = expectStatus(await post(good), 409, 'AlreadyExists');
    expect(s.message).to.equal('pods "ok" already exists');
  });

  it('404 Status for an unknown pod on GET, DELETE and log, and for unknown paths', async () => {
    expectStatus(await h.api.inject({ url: '/pods/nope' }), 404, 'NotFound');
    expectStatus(await h.api.inject({ method: 'DELETE', url: '/pods/nope' }), 404, 'NotFound');
    expectStatus(await h.api.inject({ url: '/pods/nope/log' }), 404, 'NotFound');
    expectStatus(await h.api.inject({ url: '/no/such/path' }), 404, 'NotFound');
  });

  it('400 for a log request without a container when the pod has several, naming them', async () => {
    const two = JSON.stringify({
      kind: 'Pod',
      metadata: { name: 'two' },
      spec: {
        containers: [
          { name: 'a', image: 'busybox' },
          { name: 'b', image: 'busybox' },
        ],
      },
    });
    expect((await post(two)).statusCode).to.equal(201);
    const s = expectStatus(await h.api.inject({ url: '/pods/two/log' }), 400, 'BadRequest');
    expect(s.message).to.equal('a container name must be specified for pod two, choose one of: [a b]');
  });

  it('keeps serving after all of that, and lost nothing', async () => {
    const list = (await h.api.inject({ url: '/pods' })).json<{ items: { metadata: { name: string } }[] }>();
    expect(list.items.map((p) => p.metadata.name)).to.deep.equal(['ok', 'two']);
  });

  it('serves the same pods under /api/v1/namespaces/default/pods', async () => {
    const res = await h.api.inject({ url: '/api/v1/namespaces/default/pods/ok' });
    expect(res.statusCode).to.equal(200);
    const other = await h.api.inject({ url: '/api/v1/namespaces/other/pods/ok' });
    expect(other.statusCode).to.equal(404);
  });
});

describe('api/routes/pods (what pods may do)', () => {
  const privileged = {
    kind: 'Pod',
    metadata: { name: 'root' },
    spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
  };
  const socket = {
    kind: 'Pod',
    metadata: { name: 'sock' },
    spec: {
      volumes: [{ name: 's', hostPath: { path: '/var/run/docker.sock' } }],
      containers: [{ name: 'c', image: 'busybox' }],
    },
  };

  async function withHarness(flags: string[], fn: (h: Harness) => Promise<void>): Promise<void> {
    const clock = new ManualClock();
    const h = await new Harness({ runtime: new MemoryRuntime(clock), clock, flags }).start();
    try {
      await fn(h);
    } finally {
      await h.stop();
    }
  }

  it('refuses a privileged pod by default, saying which flag allows it, and creates nothing', async () => {
    await withHarness([], async (h) => {
      const res = await h.api.inject({ method: 'POST', url: '/pods', payload: privileged });
      expect(res.statusCode).to.equal(422);
      expect(res.json<Status>().message)
        .to.contain('securityContext.privileged: Forbidden')
        .and.contain('--allow-privileged');
      expect(h.pods.list()).to.have.length(0);
    });
  });

  it('accepts it when the daemon runs with --allow-privileged', async () => {
    await withHarness(['--allow-privileged'], async (h) => {
      expect((await h.api.inject({ method: 'POST', url: '/pods', payload: privileged })).statusCode).to.equal(
        201,
      );
    });
  });

  it('never mounts the engine socket, even with privileges, unless --allow-docker-socket', async () => {
    await withHarness(['--allow-privileged', '--allow-host-path', '/var/run,/run'], async (h) => {
      const res = await h.api.inject({ method: 'POST', url: '/pods', payload: socket });
      expect(res.statusCode, res.body).to.equal(422);
      expect(res.json<Status>().message).to.contain('--allow-docker-socket');
    });
  });
});

describe('api/routes/pods (deletion across restarts)', () => {
  it('keeps the deletion mark when the agent restarts during the grace period', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mk-delete-'));
    try {
      const clock = new ManualClock();
      // Not started: no sync loop, so the deletion stays pending, as during a long grace period.
      const first = new Harness({ runtime: new MemoryRuntime(clock), clock, dataDir });
      await first.api.inject({
        method: 'POST',
        url: '/pods',
        payload: {
          kind: 'Pod',
          metadata: { name: 'p' },
          spec: { containers: [{ name: 'c', image: 'busybox' }] },
        },
      });
      expect(
        (await first.api.inject({ method: 'DELETE', url: '/pods/p?gracePeriodSeconds=60' })).statusCode,
      ).to.equal(200);
      await first.stop();
      const second = new Harness({ runtime: new MemoryRuntime(clock), clock, dataDir });
      expect(second.pod('p')?.metadata.deletionTimestamp).to.be.a('string');
      expect(second.pod('p')?.metadata.deletionGracePeriodSeconds).to.equal(60);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

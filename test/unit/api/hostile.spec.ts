// Hostile requests at the in-process API on the memory runtime: names in URLs, metadata sizes, env and
// resolv.conf injection, prototype pollution, nesting, YAML that costs seconds, and the allow-flags on
// PUT/PATCH. Each is refused with a 4xx Status, and nothing is stored or created.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { parseYaml } from '../../../api/body';
import { YamlWorker } from '../../../api/yaml-worker-client';
import { Harness } from '../../helpers/harness';

interface Status {
  kind: string;
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { field: string; reason: string; message: string }[] };
}

const pod = (patch: Record<string, unknown> = {}, container: Record<string, unknown> = {}): object => ({
  kind: 'Pod',
  metadata: { name: 'p' },
  ...patch,
  spec: {
    containers: [{ name: 'c', image: 'busybox', ...container }],
    ...((patch.spec as object | undefined) ?? {}),
  },
});

describe('hostile requests (api, memory runtime)', () => {
  let h: Harness;
  let runtime: MemoryRuntime;
  before(async () => {
    const clock = new ManualClock();
    runtime = new MemoryRuntime(clock);
    h = await new Harness({ runtime, clock }).start();
  });
  after(async () => h.stop());

  const refused = async (req: InjectOptions, code: number, reason: string): Promise<Status> => {
    const res = await h.api.inject(req);
    expect(res.statusCode, res.body.slice(0, 300)).to.equal(code);
    const s = res.json<Status>();
    expect(s).to.include({ kind: 'Status', code, reason });
    return s;
  };
  /** A POST /pods body the parser must refuse: 400 BadRequest. */
  const badBody = (type: string, payload: string): Promise<Status> =>
    refused({ method: 'POST', url: '/pods', headers: { 'content-type': type }, payload }, 400, 'BadRequest');
  const invalid = async (body: object, field: string, text: string): Promise<void> => {
    const s = await refused({ method: 'POST', url: '/pods', payload: body }, 422, 'Invalid');
    const cause = s.details?.causes?.find((c) => c.field === field);
    expect(cause, `${field} in ${JSON.stringify(s.details?.causes)}`).to.not.equal(undefined);
    expect(cause?.message).to.contain(text);
    expect(h.pods.list()).to.have.length(0);
  };

  describe('names in the URL', () => {
    it('refuses a namespace that is no DNS-1123 label before any lookup (400, the rule in the message)', async () => {
      for (const url of [
        '/api/v1/namespaces/..%2F..%2Fetc/pods',
        '/api/v1/namespaces/UPPER/pods/x',
        '/api/v1/namespaces/a.b/pods',
      ]) {
        const s = await refused({ url }, 400, 'BadRequest');
        expect(s.message, url).to.match(/^Namespace parameter invalid: /);
      }
    });

    it('answers NotFound, as upstream does, for a name no object can have, before any lookup', async () => {
      for (const [url, resource] of [
        ['/pods/Bad_Name', 'pods'],
        ['/pods/a%2Fb', 'pods'],
        ['/pods/%2e%2e%2f%2e%2e%2fetc', 'pods'],
        ['/api/v1/namespaces/default/pods/x%00y', 'pods'],
        [`/pods/${'a'.repeat(254)}`, 'pods'],
        ['/api/v1/namespaces/default/services/a%20b', 'services'],
      ] as const) {
        const s = await refused({ url }, 404, 'NotFound');
        expect(s.message, url).to.match(new RegExp(`^${resource} ".*" not found$`));
      }
      for (const method of ['DELETE', 'PUT', 'PATCH'] as const)
        await refused({ method, url: '/pods/..%2Fx', payload: {} }, 404, 'NotFound');
    });

    it('checks ?namespace= and ?container=, a repeated one by its first value (the one that counts)', async () => {
      await refused({ url: '/pods?namespace=../x' }, 400, 'BadRequest');
      await refused({ url: '/pods/p/log?container=../../etc/passwd' }, 400, 'BadRequest');
      await refused({ url: '/pods?namespace=../x&namespace=b' }, 400, 'BadRequest');
      await refused({ url: '/pods/p/log?container=c&container=../../etc/passwd' }, 404, 'NotFound');
      expect((await h.api.inject({ url: '/pods?namespace=' })).statusCode).to.equal(200);
    });

    it('answers a URL the router cannot read with a Status, not a 5xx', async () => {
      await refused({ url: '/pods/%E0%A4%A' }, 400, 'BadRequest');
      const s = await refused({ url: `/pods/${'a'.repeat(5000)}` }, 400, 'BadRequest');
      expect(s.message.length).to.be.below(400);
    });
  });

  describe('metadata as Kubernetes checks it', () => {
    it('label keys are qualified names, values at most 63 characters', async () => {
      await invalid(
        pod({ metadata: { name: 'p', labels: { 'a/b/c': 'x' } } }),
        'metadata.labels',
        'qualified name',
      );
      await invalid(
        pod({ metadata: { name: 'p', labels: { [`${'x'.repeat(64)}`]: 'x' } } }),
        'metadata.labels',
        'name part must be no more than 63 characters',
      );
      await invalid(
        pod({ metadata: { name: 'p', labels: { 'Bad_Prefix/x': 'x' } } }),
        'metadata.labels',
        'prefix part',
      );
      await invalid(
        pod({ metadata: { name: 'p', labels: { a: 'v'.repeat(64) } } }),
        'metadata.labels',
        'must be no more than 63 characters',
      );
      await invalid(
        pod({ metadata: { name: 'p', labels: { a: '-x' } } }),
        'metadata.labels',
        'a valid label must be an empty string',
      );
    });

    it('annotations: qualified keys, 256 KiB in all', async () => {
      await invalid(
        pod({ metadata: { name: 'p', annotations: { 'a b': 'x' } } }),
        'metadata.annotations',
        'name part',
      );
      await invalid(
        pod({ metadata: { name: 'p', annotations: { a: 'x'.repeat(200_000), b: 'y'.repeat(100_000) } } }),
        'metadata.annotations',
        'Too long: may not be more than 262144 bytes',
      );
      const ok = await h.api.inject({
        method: 'POST',
        url: '/pods?dryRun=All',
        payload: pod({ metadata: { name: 'p', annotations: { 'Example.COM/Key': 'x'.repeat(200_000) } } }),
      });
      expect(ok.statusCode, ok.body.slice(0, 200)).to.equal(201);
    });

    it('names: 253 for a pod, 63 for a namespace and a Service', async () => {
      await invalid(
        pod({ metadata: { name: 'a'.repeat(254) } }),
        'metadata.name',
        'must be no more than 253 characters',
      );
      await refused(
        { method: 'POST', url: '/api/v1/namespaces', payload: { metadata: { name: 'n'.repeat(64) } } },
        422,
        'Invalid',
      );
      await refused(
        {
          method: 'POST',
          url: '/services',
          payload: { metadata: { name: 's'.repeat(64) }, spec: { ports: [{ port: 80 }] } },
        },
        422,
        'Invalid',
      );
    });

    it('Service selectors and Namespace labels are labels too (on create and on update)', async () => {
      const s = await refused(
        {
          method: 'POST',
          url: '/services',
          payload: { metadata: { name: 's' }, spec: { selector: { 'a b': 'x' }, ports: [{ port: 80 }] } },
        },
        422,
        'Invalid',
      );
      expect(s.details?.causes?.[0]?.field).to.equal('spec.selector');
      await refused(
        {
          method: 'POST',
          url: '/api/v1/namespaces',
          payload: { metadata: { name: 'n1', labels: { a: '-' } } },
        },
        422,
        'Invalid',
      );
      await refused(
        {
          method: 'PATCH',
          url: '/api/v1/namespaces/default',
          headers: { 'content-type': 'application/merge-patch+json' },
          payload: { metadata: { annotations: { a: 'x'.repeat(300_000) } } },
        },
        422,
        'Invalid',
      );
      expect(h.agent.namespaces.get('', 'n1')).to.equal(undefined);
      expect(h.agent.namespaces.get('', 'default')?.metadata.annotations).to.equal(undefined);
    });
  });

  describe('what reaches the engine or a file', () => {
    it('env names may not hold "=", one variable under 128 KiB', async () => {
      await invalid(
        pod({}, { env: [{ name: 'A=B', value: 'x' }] }),
        'spec.containers[0].env[0].name',
        "other than '='",
      );
      await invalid(
        pod({}, { env: [{ name: 'A\nB', value: 'x' }] }),
        'spec.containers[0].env[0].name',
        'printable ASCII',
      );
      await invalid(
        pod({}, { env: [{ name: 'BIG', value: 'x'.repeat(131_072) }] }),
        'spec.containers[0].env[0].value',
        'may not be more than 131071 bytes',
      );
      const many = Array.from({ length: 9 }, (_, i) => ({ name: `V${i}`, value: 'x'.repeat(120_000) }));
      await invalid(
        pod({}, { env: many }),
        'spec.containers[0].env',
        'may not be more than 1048576 bytes in all',
      );
    });

    it('dnsConfig cannot write other lines into resolv.conf', async () => {
      await invalid(
        pod({ spec: { dnsConfig: { nameservers: ['1.1.1.1\nsearch evil'] } } }),
        'spec.dnsConfig.nameservers[0]',
        'must be a valid IP address',
      );
      await invalid(
        pod({ spec: { dnsConfig: { nameservers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4'] } } }),
        'spec.dnsConfig.nameservers',
        'must not have more than 3 nameservers',
      );
      await invalid(
        pod({ spec: { dnsConfig: { searches: ['a b'] } } }),
        'spec.dnsConfig.searches[0]',
        'RFC 1123 subdomain',
      );
      await invalid(
        pod({ spec: { dnsConfig: { options: [{ name: 'ndots', value: '1\nnameserver 6.6.6.6' }] } } }),
        'spec.dnsConfig.options[0].value',
        'spaces or control characters',
      );
      await invalid(
        pod({ spec: { dnsConfig: { options: [{ value: '1' }] } } }),
        'spec.dnsConfig.options[0]',
        'Option.Name must not be empty',
      );
    });

    it('subPath and subPathExpr: relative, no .., not both (422 as upstream)', async () => {
      const vol = { spec: { volumes: [{ name: 'v', emptyDir: {} }] } };
      const mount = (m: object) => pod(vol, { volumeMounts: [{ name: 'v', mountPath: '/x', ...m }] });
      const f = 'spec.containers[0].volumeMounts[0]';
      await invalid(mount({ subPath: '../../../../etc' }), `${f}.subPath`, "must not contain '..'");
      await invalid(mount({ subPath: 'a/../b' }), `${f}.subPath`, "must not contain '..'");
      await invalid(mount({ subPath: '/etc' }), `${f}.subPath`, 'must be a relative path');
      await invalid(mount({ subPathExpr: '$(X)/../y' }), `${f}.subPathExpr`, "must not contain '..'");
      await invalid(
        mount({ subPath: 'a', subPathExpr: 'b' }),
        `${f}.subPathExpr`,
        'subPathExpr and subPath are mutually exclusive',
      );
    });

    it('configMap, secret, downwardAPI and projected sources are validated as upstream', async () => {
      const v = (source: object) => pod({ spec: { volumes: [{ name: 'v', ...source }] } });
      const f = 'spec.volumes[0]';
      await invalid(v({ configMap: {} }), `${f}.configMap.name`, 'Required value');
      await invalid(v({ secret: {} }), `${f}.secret.secretName`, 'Required value');
      await invalid(
        v({ configMap: { name: 'c', items: [{ key: 'k', path: '..data' }] } }),
        `${f}.configMap.items[0].path`,
        "must not start with '..'",
      );
      await invalid(
        v({ secret: { secretName: 's', defaultMode: 0o1000 } }),
        `${f}.secret.defaultMode`,
        'must be a number between 0 and 0777 (octal), both inclusive',
      );
      await invalid(
        v({ downwardAPI: { items: [{ path: 'x', fieldRef: { fieldPath: 'status.podIP' } }] } }),
        `${f}.downwardAPI.items[0].fieldRef.fieldPath`,
        'Unsupported value',
      );
      await invalid(
        v({
          projected: {
            sources: [
              { configMap: { name: 'c', items: [{ key: 'a', path: 'p' }] } },
              { secret: { name: 's', items: [{ key: 'b', path: 'p' }] } },
            ],
          },
        }),
        `${f}.projected.sources[1]`,
        'conflicting duplicate paths',
      );
      await invalid(
        v({ configMap: { name: 'c' }, secret: { secretName: 's' } }),
        `${f}.configMap`,
        'may not specify more than 1 volume type',
      );
    });

    it('projected serviceAccountToken sources: a local path and 10 minutes to 2^32 seconds (422 as upstream)', async () => {
      const v = (token: object) =>
        pod({ spec: { volumes: [{ name: 'v', projected: { sources: [{ serviceAccountToken: token }] } }] } });
      const f = 'spec.volumes[0].projected';
      await invalid(
        v({ path: 't', expirationSeconds: 599 }),
        `${f}.sources[0].serviceAccountToken.expirationSeconds`,
        'may not specify a duration less than 10 minutes',
      );
      await invalid(
        v({ path: 't', expirationSeconds: 2 ** 32 + 1 }),
        `${f}.sources[0].serviceAccountToken.expirationSeconds`,
        'may not specify a duration larger than 2^32 seconds',
      );
      // upstream names the projected volume's path, not the source's
      await invalid(v({}), `${f}.path`, 'Required value');
      await invalid(v({ path: '../t' }), `${f}.path`, "must not contain '..'");
    });

    it("mount paths and host paths cannot smuggle bind options through ':'", async () => {
      await invalid(
        pod(
          { spec: { volumes: [{ name: 'v', emptyDir: {} }] } },
          { volumeMounts: [{ name: 'v', mountPath: '/data:rshared' }] },
        ),
        'spec.containers[0].volumeMounts[0].mountPath',
        "must not contain ':'",
      );
      await invalid(
        pod(
          { spec: { volumes: [{ name: 'v', emptyDir: {} }] } },
          {
            volumeMounts: [
              { name: 'v', mountPath: '/a' },
              { name: 'v', mountPath: '/a' },
            ],
          },
        ),
        'spec.containers[0].volumeMounts[1].mountPath',
        'must be unique',
      );
      await invalid(
        pod({ spec: { volumes: [{ name: 'v', hostPath: { path: `${tmpdir()}/x:/etc` } }] } }),
        'spec.volumes[0].hostPath.path',
        "must not contain ':'",
      );
    });

    it('runAsUser and runAsGroup are between 0 and 2^31-1', async () => {
      await invalid(
        pod({}, { securityContext: { runAsUser: -1 } }),
        'spec.containers[0].securityContext.runAsUser',
        'must be between 0 and 2147483647',
      );
      await invalid(
        pod({}, { securityContext: { runAsGroup: 2 ** 31 } }),
        'spec.containers[0].securityContext.runAsGroup',
        'must be between',
      );
    });

    it('created nothing in the runtime for any of it', async () => {
      expect(await runtime.listContainers()).to.have.length(0);
    });
  });

  describe('bodies', () => {
    it('refuses __proto__ fields in JSON and YAML, and JSON patch paths through __proto__', async () => {
      await badBody('application/json', '{"kind":"Pod","metadata":{"name":"p","__proto__":{"x":1}}}');
      await badBody('application/yaml', 'kind: Pod\n__proto__: {privileged: true}\n');
      const created = await h.api.inject({
        method: 'POST',
        url: '/pods',
        payload: pod({ metadata: { name: 'target' } }),
      });
      expect(created.statusCode).to.equal(201);
      for (const path of [
        '/__proto__/polluted',
        '/metadata/__proto__/polluted',
        '/constructor/prototype/polluted',
      ]) {
        const res = await h.api.inject({
          method: 'PATCH',
          url: '/pods/target',
          headers: { 'content-type': 'application/json-patch+json' },
          payload: [{ op: 'add', path, value: 'yes' }],
        });
        expect(res.statusCode, `${path}: ${res.body}`).to.be.within(400, 499);
      }
      expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
      expect(
        (await h.api.inject({ method: 'DELETE', url: '/pods/target?gracePeriodSeconds=0' })).statusCode,
      ).to.equal(200);
    });

    it('refuses deep nesting in JSON and YAML at once', async () => {
      await badBody('application/json', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
      await badBody('application/yaml', '['.repeat(3_000));
      await badBody('application/yaml', `${'- '.repeat(500)}x`);
    });

    it('refuses a billion-laughs document over HTTP', async () => {
      const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i < 10; i++) {
        const me = String.fromCharCode(97 + i);
        lines.push(
          `${me}: &${me} [${Array(9)
            .fill(`*${String.fromCharCode(96 + i)}`)
            .join(',')}]`,
        );
      }
      const s = await badBody('application/yaml', lines.join('\n'));
      expect(s.message).to.contain('YAML');
    });

    it('parses a big YAML body off the event loop: the API answers meanwhile', async function () {
      this.timeout(60_000);
      const big = `kind: Pod\nmetadata: {name: Bad_Name}\nextra:\n${Array.from({ length: 60_000 }, (_, i) => `  k${i}: v`).join('\n')}\n`;
      const order: string[] = [];
      await Promise.all([
        h.api
          .inject({
            method: 'POST',
            url: '/pods',
            headers: { 'content-type': 'application/yaml' },
            payload: big,
          })
          .then((r) => order.push(`yaml ${r.statusCode}`)),
        h.api.inject({ url: '/healthz' }).then((r) => order.push(`healthz ${r.statusCode}`)),
      ]);
      expect(order).to.deep.equal(['healthz 200', 'yaml 422']);
    });
  });
});

describe('api/body YAML limits', () => {
  it('checks duplicate keys in linear time (the library pairwise check needs ~30 s for these 30 000)', function () {
    this.timeout(20_000);
    const text = `${Array.from({ length: 30_000 }, (_, i) => `k${i}: v`).join('\n')}\nk7: again\n`;
    expect(() => parseYaml(text)).to.throw(/Map keys must be unique/);
  });

  it('refuses complex keys, custom tags and aliases used as keys', () => {
    for (const text of ['? [a, b]\n: 1\n', 'a: !!js/function "x"\n', 'x: &k a\n*k : 1\n'])
      expect(() => parseYaml(text), text).to.throw(/YAML/);
  });

  it('a parse that outlives its time limit is refused and the thread replaced', async function () {
    this.timeout(20_000);
    const worker = new YamlWorker({ timeoutMs: 1 });
    try {
      const big = Array.from({ length: 50_000 }, (_, i) => `k${i}: v`).join('\n');
      let error: unknown;
      await worker.parse(big).catch((e: unknown) => (error = e));
      expect(String(error)).to.contain('took more than');
      const fine = new YamlWorker({ timeoutMs: 10_000 });
      expect(await fine.parse('a: 1')).to.deep.equal({ a: 1 });
      await fine.close();
    } finally {
      await worker.close();
    }
  });

  it('refuses more bodies than may wait with 429', async () => {
    const worker = new YamlWorker({ maxQueued: 1 });
    try {
      const results = await Promise.allSettled([
        worker.parse('a: 1'),
        worker.parse('b: 1'),
        worker.parse('c: 1'),
      ]);
      expect(results.map((r) => r.status)).to.include('rejected');
      const rejected = results.find((r) => r.status === 'rejected');
      expect(String((rejected as PromiseRejectedResult).reason)).to.contain('too many');
    } finally {
      await worker.close();
    }
  });
});

describe('the allow-flags on PUT and PATCH', () => {
  it('a pod stored under --allow-privileged cannot have its image changed once the flag is gone; the error names the flag', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mk-policy-'));
    try {
      const clock = new ManualClock();
      const first = new Harness({
        runtime: new MemoryRuntime(clock),
        clock,
        dataDir,
        flags: ['--allow-privileged'],
      });
      const created = await first.api.inject({
        method: 'POST',
        url: '/pods',
        payload: pod({ metadata: { name: 'root' } }, { securityContext: { privileged: true } }),
      });
      expect(created.statusCode).to.equal(201);
      await first.agent.stop();
      const second = new Harness({ runtime: new MemoryRuntime(clock), clock, dataDir });
      try {
        for (const [type, payload] of [
          [
            'application/strategic-merge-patch+json',
            { spec: { containers: [{ name: 'c', image: 'busybox:2' }] } },
          ],
          [
            'application/json-patch+json',
            [{ op: 'replace', path: '/spec/containers/0/image', value: 'busybox:2' }],
          ],
        ] as const) {
          const res = await second.api.inject({
            method: 'PATCH',
            url: '/pods/root',
            headers: { 'content-type': type },
            payload: payload as object,
          });
          expect(res.statusCode, `${type}: ${res.body}`).to.equal(422);
          expect(res.json<Status>().message).to.contain('--allow-privileged');
        }
        const put = second.pod('root');
        const res = await second.api.inject({
          method: 'PUT',
          url: '/pods/root',
          payload: {
            ...put,
            spec: { ...put?.spec, containers: [{ ...put?.spec.containers[0], image: 'busybox:2' }] },
          },
        });
        expect(res.statusCode).to.equal(422);
        expect(res.json<Status>().message).to.contain('--allow-privileged');
        // Labels only: no spec change, nothing to check, as PodSecurity admission exempts metadata updates.
        const labels = await second.api.inject({
          method: 'PATCH',
          url: '/pods/root',
          headers: { 'content-type': 'application/merge-patch+json' },
          payload: { metadata: { labels: { a: 'b' } } },
        });
        expect(labels.statusCode, labels.body).to.equal(200);
        expect(second.pod('root')?.spec.containers[0]?.image).to.equal('busybox');
      } finally {
        await second.agent.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a patch cannot make a pod privileged: the spec outside images is immutable', async () => {
    const clock = new ManualClock();
    const h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
    try {
      expect((await h.api.inject({ method: 'POST', url: '/pods', payload: pod() })).statusCode).to.equal(201);
      const res = await h.api.inject({
        method: 'PATCH',
        url: '/pods/p',
        headers: { 'content-type': 'application/json-patch+json' },
        payload: [{ op: 'add', path: '/spec/hostNetwork', value: true }],
      });
      expect(res.statusCode).to.equal(422);
      expect(h.pod('p')?.spec.hostNetwork).to.equal(undefined);
    } finally {
      await h.stop();
    }
  });
});

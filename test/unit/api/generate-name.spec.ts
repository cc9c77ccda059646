// metadata.generateName as kube-apiserver completes it: the prefix cut to 58 characters, 5 characters of
// utilrand's alphabet after it; a generated name that is taken is tried again (8 names in all), then the
// AlreadyExists says the server could not find a unique name (also when the body named its object).
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { alreadyExists, errorCode } from '../../../agent/errors';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { createWithGeneratedName } from '../../../api/generated-name';
import { Harness } from '../../helpers/harness';

const SUFFIX = /^[bcdfghjklmnpqrstvwxz2456789]{5}$/;

describe('api: generateName', () => {
  let h: Harness;
  beforeEach(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  const post = (url: string, body: object) =>
    h.api.inject({
      method: 'POST',
      url,
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });

  for (const [kind, url, extra] of [
    ['ConfigMap', '/api/v1/namespaces/default/configmaps', {}],
    ['Namespace', '/api/v1/namespaces', {}],
    ['Pod', '/api/v1/namespaces/default/pods', { spec: { containers: [{ name: 'c', image: 'busybox' }] } }],
  ] as const) {
    it(`${kind}: a prefix of 58 characters at most, then 5 of bcdfghjklmnpqrstvwxz2456789`, async () => {
      const names = new Set<string>();
      for (const prefix of ['g-', 'a'.repeat(70)]) {
        const res = await post(url, { metadata: { generateName: prefix }, ...extra });
        expect(res.statusCode, res.body).to.equal(201);
        const name = res.json<{ metadata: { name: string } }>().metadata.name;
        const cut = prefix.slice(0, 58);
        expect(name.slice(0, cut.length)).to.equal(cut);
        expect(name.slice(cut.length)).to.match(SUFFIX);
        names.add(name);
      }
      expect(names.size).to.equal(2);
    });
  }

  it('a name given with generateName that is taken: 409, the server could not generate a unique name', async () => {
    const url = '/api/v1/namespaces/default/configmaps';
    expect((await post(url, { metadata: { name: 'taken' } })).statusCode).to.equal(201);
    const res = await post(url, { metadata: { name: 'taken', generateName: 'taken-' } });
    expect(res.statusCode).to.equal(409);
    expect(res.json()).to.deep.include({
      reason: 'AlreadyExists',
      message:
        'configmaps "taken" already exists, the server was not able to generate a unique name for the object',
      details: { name: 'taken', kind: 'configmaps', retryAfterSeconds: 1 },
    });
  });

  describe('createWithGeneratedName', () => {
    const body = { metadata: { generateName: 'web-' } };
    const taken = (name: string) => alreadyExists('Deployment', name, 'apps');

    it('tries another name while the generated one is taken', () => {
      const tried: string[] = [];
      const made = createWithGeneratedName(body, () => {
        tried.push(`web-${tried.length}`);
        if (tried.length < 8) throw taken(tried.at(-1)!);
        return 'made';
      });
      expect(made).to.equal('made');
      expect(tried).to.have.length(8);
    });

    it('after 8 names, the AlreadyExists of the last says no unique name was found', () => {
      let calls = 0;
      const err = (() => {
        try {
          createWithGeneratedName(body, () => {
            calls++;
            throw taken(`web-${calls}`);
          });
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();
      expect(calls).to.equal(8);
      expect(errorCode(err)).to.equal('AlreadyExists');
      expect(err?.message).to.equal(
        'deployments.apps "web-8" already exists, the server was not able to generate a unique name for the object',
      );
    });

    it('a body without generateName: its AlreadyExists as it is, at once', () => {
      let calls = 0;
      expect(() =>
        createWithGeneratedName({ metadata: { name: 'web' } }, () => {
          calls++;
          throw taken('web');
        }),
      ).to.throw('deployments.apps "web" already exists');
      expect(calls).to.equal(1);
    });
  });
});

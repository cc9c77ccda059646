// List and watch options read as the API server reads them: a repeated parameter by its first value (but
// the ones that are lists), ListOptions validated (apimachinery's internalversion/validation), and the
// deprecated single-object watch path.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const NS = '/api/v1/namespaces/default';

interface StatusBody {
  kind: string;
  code: number;
  reason: string;
  message: string;
  details?: { kind?: string; group?: string; name?: string; causes?: unknown[] };
}

describe('api: list options (memory runtime)', () => {
  let clock: ManualClock;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  const createPod = (name: string, labels: Record<string, string> = {}) =>
    h.createPod({ metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
  const names = (body: { items: { metadata: { name: string } }[] }): string[] =>
    body.items.map((i) => i.metadata.name);

  describe('a repeated query parameter', () => {
    it('counts by its first value, as url.Values.Get reads it', async () => {
      await createPod('a', { app: 'a' });
      await createPod('b', { app: 'b' });
      const r = await h.api.inject({ url: `${NS}/pods?labelSelector=app%3Da&labelSelector=app%3Db` });
      expect(r.statusCode).to.equal(200);
      expect(names(r.json())).to.deep.equal(['a']);
      const limited = await h.api.inject({ url: `${NS}/pods?limit=1&limit=5` });
      expect(limited.statusCode).to.equal(200);
      expect(names(limited.json())).to.have.length(1);
    });

    it("keeps port-forward's ports a list (one stream pair per port)", async () => {
      await createPod('web');
      const r = await h.api.inject({ url: `${NS}/pods/web/portforward?ports=80&ports=81` });
      // refused because the pod does not run yet, or (once it runs) because this is no upgrade request: not for
      // the repeated parameter
      expect(r.json<StatusBody>().message).to.match(
        /^(unable to upgrade connection: pod web|Upgrade request required)/,
      );
    });
  });

  describe('ListOptions validation', () => {
    const invalid = (why: string): string => `ListOptions.meta.k8s.io "" is invalid: ${why}`;
    const cases: [string, string][] = [
      [
        'resourceVersionMatch=NotOlderThan',
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
      ],
      [
        'resourceVersionMatch=Exact&resourceVersion=0',
        'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      ],
      [
        'resourceVersionMatch=Newest&resourceVersion=1',
        'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""',
      ],
      [
        'resourceVersionMatch=NotOlderThan&resourceVersion=0&continue=abc',
        'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided',
      ],
      ['sendInitialEvents=true', 'sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list'],
    ];
    for (const [query, why] of cases) {
      it(`a list with ${query} is a 422: ${why}`, async () => {
        const r = await h.api.inject({ url: `${NS}/pods?${query}` });
        expect(r.statusCode).to.equal(422);
        const s = r.json<StatusBody>();
        expect(s).to.include({ reason: 'Invalid', message: invalid(why) });
        expect(s.details).to.include({ group: 'meta.k8s.io', kind: 'ListOptions' });
        expect(s.details).to.not.have.property('name');
      });
    }

    it('names every problem at once, in brackets', async () => {
      const r = await h.api.inject({ url: `${NS}/pods?resourceVersionMatch=Newest` });
      expect(r.json<StatusBody>().message).to.equal(
        invalid(
          '[resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, ' +
            'resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""]',
        ),
      );
    });

    it('a watch takes resourceVersionMatch only with sendInitialEvents, and only NotOlderThan', async () => {
      const bare = await h.api.inject({ url: `${NS}/pods?watch=true&resourceVersionMatch=NotOlderThan` });
      expect(bare.statusCode).to.equal(422);
      expect(bare.json<StatusBody>().message).to.equal(
        invalid(
          'resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
        ),
      );
      const exact = await h.api.inject({
        url: `${NS}/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=Exact&resourceVersion=1`,
      });
      expect(exact.statusCode).to.equal(422);
      expect(exact.json<StatusBody>().message).to.equal(
        invalid(
          '[resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, ' +
            'resourceVersionMatch: Unsupported value: "Exact": supported values: "NotOlderThan"]',
        ),
      );
    });

    it('a continue token with a resourceVersion other than 0 is a 400', async () => {
      await createPod('a');
      await createPod('b');
      const first = (await h.api.inject({ url: `${NS}/pods?limit=1` })).json<{
        metadata: { continue: string; resourceVersion: string };
      }>();
      const token = encodeURIComponent(first.metadata.continue);
      const r = await h.api.inject({
        url: `${NS}/pods?limit=1&continue=${token}&resourceVersion=${first.metadata.resourceVersion}`,
      });
      expect(r.statusCode).to.equal(400);
      expect(r.json<StatusBody>()).to.include({
        reason: 'BadRequest',
        message: 'specifying resource version is not allowed when using continue',
      });
      const zero = await h.api.inject({ url: `${NS}/pods?limit=1&continue=${token}&resourceVersion=0` });
      expect(zero.statusCode).to.equal(200);
      expect(names(zero.json())).to.deep.equal(['b']);
    });
  });

  describe('the deprecated single-object watch path', () => {
    /** A watch that ends at once (timeoutSeconds=-1) once the clock has moved. */
    async function ended(url: string): Promise<{ statusCode: number; body: string }> {
      let done = false;
      const pending = h.api.inject({ url });
      void pending.then(() => (done = true));
      while (!done) {
        await new Promise((r) => setTimeout(r, 5));
        clock.advance(1);
      }
      return pending;
    }

    it('watches one object: /api/v1/watch/namespaces/{ns}/pods/{name}', async () => {
      await createPod('web');
      await createPod('other');
      const r = await ended('/api/v1/watch/namespaces/default/pods/web?timeoutSeconds=-1');
      expect(r.statusCode).to.equal(200);
      const lines = r.body
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
      expect(new Set(lines.map((l) => l.object.metadata.name))).to.deep.equal(new Set(['web']));
      expect(lines[0]?.type).to.equal('ADDED');
    });

    it('serves cluster-scoped kinds and other groups; a fieldSelector naming another object is a 400', async () => {
      const ns = await ended('/api/v1/watch/namespaces/default?timeoutSeconds=-1');
      expect(ns.statusCode).to.equal(200);
      expect(ns.body).to.contain('"name":"default"');
      const deploy = await ended('/apis/apps/v1/watch/namespaces/default/deployments/d?timeoutSeconds=-1');
      expect(deploy.statusCode).to.equal(200);
      const other = await h.api.inject({
        url: '/api/v1/watch/namespaces/default/pods/web?fieldSelector=metadata.name%3Dother',
      });
      expect(other.statusCode).to.equal(400);
      expect(other.json<StatusBody>().message).to.equal(
        "fieldSelector metadata.name doesn't match requested name",
      );
    });
  });
});

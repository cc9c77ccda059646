// The short fuzz CI runs: 1 000 generated hostile manifests, bodies and requests (fuzz/cases.ts) at the
// in-process API on the memory runtime. `npm run fuzz` runs the long one over real HTTP on the real engine.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { capturingLogger } from '../../../agent/log';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { type FuzzCase, SECRET_CANARY, fuzzCases } from '../../../fuzz/cases';
import { type Send, errorKind, runCases } from '../../../fuzz/engine';
import { type ServedKind, servedKinds } from '../../../fuzz/served-kinds';
import { kindsWithoutBody, structuralCases } from '../../../fuzz/structural';
import { Harness } from '../../helpers/harness';

const EXISTING = ['fz-a', 'fz-b', 'fz-c'];

describe('fuzz (1 000 hostile cases, in process)', function () {
  this.timeout(180_000);
  let h: Harness;
  let runtime: MemoryRuntime;
  let kinds: ServedKind[];
  const logger = capturingLogger();
  before(async () => {
    // The system clock: a generated watch ends at its timeoutSeconds only when time passes.
    runtime = new MemoryRuntime(systemClock);
    h = await new Harness({ runtime, clock: systemClock, logger }).start();
    for (const name of EXISTING) {
      await h.createPod({
        kind: 'Pod',
        metadata: { name },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      });
    }
    kinds = await servedKinds(async (url) => (await h.api.inject({ url })).json());
  });
  after(async () => h.stop());

  /** Answers that showed a generated Secret's value. */
  const echoed: string[] = [];
  let secretCases = 0;
  const send: Send = async (c: FuzzCase) => {
    if (c.what.startsWith('secret: ')) secretCases++;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ status: number; error: string }>((resolve) => {
      timer = setTimeout(() => resolve({ status: 0, error: 'no answer in 20 s' }), 20_000);
    });
    try {
      const res = h.api
        .inject({
          method: c.method,
          url: c.path,
          headers: c.headers,
          ...(c.body !== undefined ? { payload: c.body } : {}),
        })
        .then((r) => {
          if (r.body.includes(SECRET_CANARY)) echoed.push(`${c.what}: ${r.body.slice(0, 200)}`);
          const kind = errorKind(r.statusCode, r.body);
          return { status: r.statusCode, ...(kind !== undefined ? { kind } : {}) };
        });
      return await Promise.race([res, timeout]);
    } catch (err) {
      return { status: -1, error: String(err) };
    } finally {
      clearTimeout(timer);
    }
  };

  it('generates the same cases for a seed, of every family', () => {
    const a = [...fuzzCases(3, 300, { existingPods: EXISTING, kinds })];
    const b = [...fuzzCases(3, 300, { existingPods: EXISTING, kinds })];
    expect(a).to.deep.equal(b);
    expect(new Set(a.map((c) => c.family))).to.deep.equal(
      new Set(['manifest', 'body', 'request', 'structure']),
    );
  });

  it('has a structural body for every kind the API serves (discovery), the kinds served since it was written among them', () => {
    expect(kindsWithoutBody(kinds)).to.deep.equal([]);
    const names = kinds.map((k) => `${k.apiVersion} ${k.kind}`);
    expect(names).to.include.members([
      'apps/v1 StatefulSet',
      'v1 PersistentVolumeClaim',
      'discovery.k8s.io/v1 EndpointSlice',
      'apps/v1 ControllerRevision',
      'authorization.k8s.io/v1 SelfSubjectAccessReview',
      'authorization.k8s.io/v1 SelfSubjectRulesReview',
      'authentication.k8s.io/v1 SelfSubjectReview',
    ]);
  });

  it('answers 3 000 bodies of every kind served with nodes of the wrong shape with a 4xx Status or a 2xx, never a 5xx; writes of a read-only kind with a 405', async () => {
    const cases = [...structuralCases(20261207, 3_000, { existingPods: EXISTING, kinds })];
    const mutated = new Set(cases.map((c) => /^(\S+ \w+)/.exec(c.what)?.[1]));
    expect([...mutated].sort()).to.deep.equal(kinds.map((k) => `${k.apiVersion} ${k.kind}`).sort());
    expect(
      cases
        .filter((c) => c.what.includes('discovery.k8s.io/v1 EndpointSlice'))
        .every((c) => c.expect === 405),
    ).to.equal(true);
    const stats = await runCases(cases, send);
    expect(stats.serverErrors.map((e) => e.case.what)).to.deep.equal([]);
    expect(stats.unexpected.map((e) => `${e.case.what} -> ${e.outcome.status}`)).to.deep.equal([]);
    expect(stats.nonStatus.map((e) => `${e.case.what} -> ${e.outcome.status}`)).to.deep.equal([]);
    expect(stats.noAnswerCount).to.equal(0);
    expect(h.pods.list().every((p) => EXISTING.includes(p.metadata.name))).to.equal(true);
  });

  it('answers every case with a 4xx or a 2xx, never a 5xx; refuses every invalid manifest; creates nothing', async () => {
    const containersBefore = (await runtime.listContainers()).length;
    const stats = await runCases(fuzzCases(20261126, 1_000, { existingPods: EXISTING, kinds }), send);
    expect(stats.cases).to.equal(1_000);
    expect(stats.serverErrors, JSON.stringify(stats.serverErrors.slice(0, 3), null, 1)).to.deep.equal([]);
    expect(stats.accepted, JSON.stringify(stats.accepted.slice(0, 3), null, 1)).to.deep.equal([]);
    expect(stats.noAnswerCount).to.equal(0);
    expect(stats.unexpected.map((e) => `${e.case.what} -> ${e.outcome.status}`)).to.deep.equal([]);
    expect(stats.nonStatus.map((e) => `${e.case.what} -> ${e.outcome.status}`)).to.deep.equal([]);
    // invalid Secrets were among them, and no answer (hence no fuzz report) showed their value
    expect(secretCases).to.be.greaterThan(20);
    expect(echoed).to.deep.equal([]);
    expect(JSON.stringify(logger.records)).to.not.include(SECRET_CANARY);
    // Only the pods made above (fewer if a generated DELETE hit one), and no new container.
    expect(h.pods.list().every((p) => EXISTING.includes(p.metadata.name))).to.equal(true);
    expect((await runtime.listContainers()).length).to.be.at.most(containersBefore);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect(Object.keys(Object.prototype)).to.deep.equal([]);
    // Still serving.
    expect((await h.api.inject({ url: '/healthz' })).statusCode).to.equal(200);
  });
});

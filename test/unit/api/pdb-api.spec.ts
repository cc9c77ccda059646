// PodDisruptionBudgets and the pods/eviction subresource through the API on the in-process agent (memory
// runtime, the real wiring): validation worded as upstream, `kubectl get pdb` columns, the status the
// disruption controller keeps from a Deployment's ready pods, an eviction allowed then refused with the 429,
// a pod without a budget, a pod with two (500), a pending pod, discovery of pods/eviction, namespace deletion.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import type { PodDisruptionBudget } from '../../../agent/model/pdb';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { deploymentBody } from '../../helpers/workload-builders';

const PDBS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';
const PODS = '/api/v1/namespaces/default/pods';

const pdbBody = (spec: object = { minAvailable: 2 }, name = 'web'): object => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name },
  spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
});
const eviction = (name: string, extra: object = {}): object => ({
  apiVersion: 'policy/v1',
  kind: 'Eviction',
  metadata: { name, namespace: 'default' },
  ...extra,
});

describe('api: PodDisruptionBudgets and evictions (memory runtime)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  afterEach(async () => h.stop());

  const pdb = (name = 'web'): PodDisruptionBudget | undefined => h.agent.disruption.pdbs.get('default', name);
  const live = () =>
    h.pods
      .list('default')
      .filter((p) => p.metadata.deletionTimestamp === undefined)
      .map((p) => p.metadata.name)
      .sort();
  const ready = () =>
    h.pods
      .list('default')
      .filter(
        (p) =>
          p.metadata.deletionTimestamp === undefined &&
          p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      ).length;
  /** A Deployment of `replicas` ready pods labelled app=web. */
  async function webPods(replicas: number): Promise<void> {
    const res = await h.request(
      'POST',
      '/apis/apps/v1/namespaces/default/deployments',
      deploymentBody(replicas),
    );
    expect(res.statusCode, res.body).to.equal(201);
    await h.waitFor(`${replicas} ready`, () => ready() === replicas);
  }

  it('refuses minAvailable with maxUnavailable, a bad percentage and one above 100%, as upstream words them', async () => {
    const both = await h.request('POST', PDBS, pdbBody({ minAvailable: 1, maxUnavailable: 1 }));
    expect(both.statusCode).to.equal(422);
    expect(both.json().message).to.equal(
      'PodDisruptionBudget.policy "web" is invalid: spec: Invalid value: {"minAvailable":1,"selector":{"matchLabels":{"app":"web"}},"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set',
    );
    const bad = await h.request('POST', PDBS, pdbBody({ minAvailable: 'half' }));
    expect(bad.json().message).to.equal(
      `PodDisruptionBudget.policy "web" is invalid: spec.minAvailable: Invalid value: "half": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
    );
    const over = await h.request('POST', PDBS, pdbBody({ maxUnavailable: '150%' }));
    expect(over.json().message).to.equal(
      'PodDisruptionBudget.policy "web" is invalid: spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
    );
    const negative = await h.request('POST', PDBS, pdbBody({ minAvailable: -1 }));
    expect(negative.json().message).to.equal(
      'PodDisruptionBudget.policy "web" is invalid: spec.minAvailable: Invalid value: -1: must be greater than or equal to 0',
    );
    const selector = await h.request(
      'POST',
      PDBS,
      pdbBody({ selector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }),
    );
    expect(selector.json().message).to.equal(
      "PodDisruptionBudget.policy \"web\" is invalid: spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    );
  });

  it('keeps the status from the ready pods; get pdb columns as upstream', async () => {
    await webPods(3);
    expect((await h.request('POST', PDBS, pdbBody())).statusCode).to.equal(201);
    const s = await h.waitFor('status', () => pdb()?.status.expectedPods === 3 && pdb()!.status);
    expect(s).to.deep.include({
      observedGeneration: 1,
      currentHealthy: 3,
      desiredHealthy: 2,
      disruptionsAllowed: 1,
      expectedPods: 3,
    });
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason])).to.deep.equal([
      ['DisruptionAllowed', 'True', 'SufficientPods'],
    ]);
    const table = await h.request('GET', PDBS, undefined, 'application/json;as=Table;v=v1;g=meta.k8s.io');
    const t = table.json<{ columnDefinitions: { name: string }[]; rows: { cells: unknown[] }[] }>();
    expect(t.columnDefinitions.map((c) => c.name)).to.deep.equal([
      'Name',
      'Min Available',
      'Max Unavailable',
      'Allowed Disruptions',
      'Age',
    ]);
    expect(t.rows[0]?.cells.slice(0, 4)).to.deep.equal(['web', '2', 'N/A', 1]);
  });

  it('maxUnavailable as a percentage resolves against the Deployment scale', async () => {
    await webPods(4);
    await h.request('POST', PDBS, pdbBody({ maxUnavailable: '50%' }));
    const s = await h.waitFor('status', () => pdb()?.status.expectedPods === 4 && pdb()!.status);
    expect(s).to.deep.include({ desiredHealthy: 2, disruptionsAllowed: 2 });
  });

  it('evicts while the budget allows, then refuses with 429 and the budget in the cause', async () => {
    // bare pods: nothing replaces an evicted one, so the budget stays spent
    const bare = (name: string) => ({
      metadata: { name, labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'busybox' }] },
    });
    await h.createPod(bare('a'));
    await h.createPod(bare('b'));
    await h.waitFor('2 ready', () => ready() === 2);
    await h.request('POST', PDBS, pdbBody({ minAvailable: 1 }));
    await h.waitFor('one allowed', () => pdb()?.status.disruptionsAllowed === 1);
    const ok = await h.request('POST', `${PODS}/a/eviction`, eviction('a'));
    expect(ok.statusCode, ok.body).to.equal(201);
    expect(ok.json()).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
    expect(h.pod('a')?.metadata.deletionTimestamp ?? 'gone').to.be.a('string');
    expect(pdb()?.status.disruptionsAllowed).to.equal(0);
    const refused = await h.request('POST', `${PODS}/b/eviction`, eviction('b'));
    expect(refused.statusCode).to.equal(429);
    expect(refused.json()).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget web needs 1 healthy pods and has 1 currently',
          },
        ],
      },
      code: 429,
    });
    expect(h.pod('b')?.metadata.deletionTimestamp).to.equal(undefined);
    // a third ready pod: allowed again
    await h.createPod(bare('c'));
    await h.waitFor('allowed again', () => pdb()?.status.disruptionsAllowed === 1);
    const later = await h.request('POST', `${PODS}/b/eviction`, eviction('b'));
    expect(later.statusCode, later.body).to.equal(201);
  });

  it('a pod no budget selects is evicted; the v1beta1 body is accepted; a wrong name is a 400', async () => {
    await webPods(1);
    const [name = ''] = live();
    const wrong = await h.request('POST', `${PODS}/${name}/eviction`, eviction('other'));
    expect(wrong.statusCode).to.equal(400);
    expect(wrong.json().message).to.equal('name in URL does not match name in Eviction object');
    const res = await h.request(
      'POST',
      `${PODS}/${name}/eviction`,
      eviction(name, { apiVersion: 'policy/v1beta1', deleteOptions: { gracePeriodSeconds: 0 } }),
    );
    expect(res.statusCode, res.body).to.equal(201);
    expect(h.pod(name)?.metadata.deletionTimestamp ?? 'gone').to.be.a('string');
    const missing = await h.request('POST', `${PODS}/nope/eviction`, eviction('nope'));
    expect(missing.statusCode).to.equal(404);
  });

  it('a pod two budgets select: 500, and the pod stays', async () => {
    await webPods(2);
    await h.request('POST', PDBS, pdbBody({ minAvailable: 0 }));
    await h.request('POST', PDBS, pdbBody({ minAvailable: 0 }, 'other'));
    const [name = ''] = live();
    const res = await h.request('POST', `${PODS}/${name}/eviction`, eviction(name));
    expect(res.statusCode).to.equal(500);
    expect(res.json()).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      code: 500,
    });
    expect(h.pod(name)?.metadata.deletionTimestamp).to.equal(undefined);
  });

  it('discovery lists pods/eviction (policy/v1 Eviction, create) and poddisruptionbudgets', async () => {
    const core = (await h.request('GET', '/api/v1')).json<{ resources: Record<string, unknown>[] }>();
    expect(core.resources.find((r) => r['name'] === 'pods/eviction')).to.deep.equal({
      name: 'pods/eviction',
      singularName: '',
      namespaced: true,
      group: 'policy',
      version: 'v1',
      kind: 'Eviction',
      verbs: ['create'],
    });
    const policy = (await h.request('GET', '/apis/policy/v1')).json<{
      resources: Record<string, unknown>[];
    }>();
    expect(policy.resources.map((r) => r['name'])).to.deep.equal([
      'poddisruptionbudgets',
      'poddisruptionbudgets/status',
    ]);
    expect(policy.resources[0]).to.deep.include({ shortNames: ['pdb'], namespaced: true });
  });

  it('the namespace deletion removes its budgets', async () => {
    await h.request('POST', '/api/v1/namespaces', { metadata: { name: 'gone' } });
    const created = await h.request(
      'POST',
      '/apis/policy/v1/namespaces/gone/poddisruptionbudgets',
      pdbBody(),
    );
    expect(created.statusCode, created.body).to.equal(201);
    await h.request('DELETE', '/api/v1/namespaces/gone');
    await h.waitFor('budget gone', () => !h.agent.disruption.pdbs.get('gone', 'web'));
  });
});

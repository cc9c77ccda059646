// Server-side apply and metadata.managedFields through the API (memory runtime, the real wiring): the
// manager from `fieldManager` or the User-Agent, the 409 Status of a conflict as kube-apiserver sends it,
// `force`, the PatchOptions checks, and `managedFields: [{}]` clearing them.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { deploymentBody } from '../../helpers/workload-builders';

const APPLY = { 'content-type': 'application/apply-patch+yaml' };
const deployment = deploymentBody;
const URL = '/apis/apps/v1/namespaces/default/deployments';

interface Entry {
  manager: string;
  operation: string;
  subresource?: string;
}

describe('api: server-side apply and managed fields (memory runtime)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  afterEach(async () => h.stop());

  const patch = (url: string, payload: object, headers: Record<string, string> = APPLY) =>
    h.api.inject({ method: 'PATCH', url, payload: JSON.stringify(payload), headers });
  const managers = (): Entry[] =>
    ((h.agent.deployments.get('default', 'web')?.metadata.managedFields ?? []) as Entry[]).map(
      ({ manager, operation, subresource }) => ({
        manager,
        operation,
        ...(subresource ? { subresource } : {}),
      }),
    );

  it('answers a conflict with upstream Status; force takes the field', async () => {
    expect((await patch(`${URL}/web?fieldManager=kubectl`, deployment(2))).statusCode).to.equal(201);
    const scaled = await patch(
      `${URL}/web/scale?fieldManager=kubectl-scale`,
      { spec: { replicas: 4 } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(scaled.statusCode, scaled.body).to.equal(200);
    expect(managers()).to.deep.equal([
      { manager: 'kubectl', operation: 'Apply' },
      { manager: 'kubectl-scale', operation: 'Update', subresource: 'scale' },
    ]);

    const refused = await patch(`${URL}/web?fieldManager=kubectl`, deployment(2));
    expect(refused.statusCode).to.equal(409);
    expect(refused.json()).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas',
      reason: 'Conflict',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl-scale" using apps/v1',
            field: '.spec.replicas',
          },
        ],
      },
      code: 409,
    });

    const forced = await patch(`${URL}/web?fieldManager=kubectl&force=true`, deployment(2));
    expect(forced.statusCode, forced.body).to.equal(200);
    expect(h.agent.deployments.get('default', 'web')?.spec.replicas).to.equal(2);
    expect(managers()).to.deep.equal([{ manager: 'kubectl', operation: 'Apply' }]);
  });

  it('names an update by the User-Agent without fieldManager; checks PatchOptions; [{}] clears', async () => {
    const created = await h.api.inject({
      method: 'POST',
      url: URL,
      payload: deployment(1),
      headers: { 'user-agent': 'helm/v4.1.4 (linux/amd64)' },
    });
    expect(created.statusCode).to.equal(201);
    expect(managers()).to.deep.equal([{ manager: 'helm', operation: 'Update' }]);

    const noManager = await patch(`${URL}/web`, deployment(1));
    expect(noManager.statusCode).to.equal(422);
    expect(noManager.json<{ message: string }>().message).to.equal(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    const forcedMerge = await patch(
      `${URL}/web?force=true`,
      {},
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(forcedMerge.statusCode).to.equal(422);
    expect(forcedMerge.json<{ message: string }>().message).to.equal(
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );

    const cleared = await patch(
      `${URL}/web`,
      { metadata: { managedFields: [{}] } },
      { 'content-type': 'application/merge-patch+json' },
    );
    expect(cleared.statusCode, cleared.body).to.equal(200);
    expect(h.agent.deployments.get('default', 'web')?.metadata.managedFields).to.equal(undefined);
  });

  describe('refuses an applied body as kube-apiserver does (400)', () => {
    const refused = async (body: object, message: string) => {
      const res = await patch(`${URL}/web?fieldManager=kubectl`, body);
      expect(res.statusCode, res.body).to.equal(400);
      expect(res.json()).to.deep.include({ reason: 'BadRequest', message });
    };
    const cases = (): [string, object, string][] => {
      const d = deployment(1) as Record<string, unknown>;
      const { apiVersion: _a, kind: _k, ...bare } = d;
      return [
        ['no apiVersion and kind', bare, 'invalid object type: /, Kind='],
        ['another kind', { ...d, kind: 'ReplicaSet' }, 'invalid object type: apps/v1, Kind=ReplicaSet'],
        [
          'another version',
          { ...d, apiVersion: 'apps/v1beta2' },
          'invalid object type: apps/v1beta2, Kind=Deployment',
        ],
        [
          'metadata.managedFields',
          { ...d, metadata: { name: 'web', managedFields: [] } },
          'metadata.managedFields must be nil',
        ],
      ];
    };
    for (const existing of [false, true]) {
      it(`${existing ? 'onto an object' : 'creating one'}: no kind, another kind or version, managedFields`, async () => {
        if (existing)
          expect((await patch(`${URL}/web?fieldManager=kubectl`, deployment(1))).statusCode).to.equal(201);
        const before = h.agent.deployments.get('default', 'web')?.metadata.generation;
        for (const [, body, message] of cases()) await refused(body, message);
        expect(h.agent.deployments.get('default', 'web')?.metadata.generation).to.equal(before);
      });
    }
  });
});

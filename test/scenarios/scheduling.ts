// Scheduling on the one node, written once for every runtime: a pod the node cannot take stays Pending with
// PodScheduled False and the runtime is never asked for it; a change of the Node (a label, uncordon) lets the
// scheduler bind it and the sync loop run it. Eviction honours a PodDisruptionBudget, as `kubectl drain` meets it.
import { expect } from 'chai';
import { container as c } from './helpers';
import { sleepForever } from './programs';
import { scenarioGroup } from './suite';
import type { WorldFactory } from './world';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const NODE = '/api/v1/nodes/test-node';

export function schedulingScenarios(world: WorldFactory): void {
  scenarioGroup(world, 'scheduling scenarios', (s, scenario) => {
    const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      s.world.h.api.inject({
        method,
        url,
        ...(payload ? { payload } : {}),
        ...(method === 'PATCH' ? { headers: { 'content-type': 'application/merge-patch+json' } } : {}),
      });
    const patchNode = async (patch: object) => {
      const res = await api('PATCH', NODE, patch);
      expect(res.statusCode, res.body).to.equal(200);
    };
    const unschedulable = (name: string) => s.condition(name, 'PodScheduled')?.reason === 'Unschedulable';
    /** Pending, unbound, and not one runtime call for it while the world's hold time passes. */
    const heldBack = async (name: string) => {
      // a bound pod's sandbox is asked for within milliseconds: 2 s of nothing is telling on any runtime
      await new Promise((r) => setTimeout(r, Math.min(s.world.holdMs, 2_000)));
      expect(s.status(name)).to.equal('Pending');
      expect(s.pod(name).spec.nodeName).to.equal(undefined);
      expect(s.calls(name, 'create', 'start')).to.deep.equal([]);
      expect(await s.containers(name)).to.deep.equal([]);
    };

    scenario(
      'a pod whose nodeSelector no node matches waits unbound; labelling the node runs it',
      async () => {
        await s.create('picky', { nodeSelector: { disk: 'ssd' }, containers: [c('app', sleepForever)] });
        await s.waitFor('PodScheduled False, Unschedulable', () => unschedulable('picky'));
        expect(s.condition('picky', 'PodScheduled')?.message).to.equal(
          "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: " +
            '0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
        );
        expect(s.eventReasons('picky')).to.include('FailedScheduling');
        await heldBack('picky');

        await patchNode({ metadata: { labels: { disk: 'ssd' } } });
        await s.waitFor('Running after the label', () => s.status('picky') === 'Running');
        expect(s.pod('picky').spec.nodeName).to.equal('test-node');
        expect(s.condition('picky', 'PodScheduled')?.status).to.equal('True');
        expect(s.calls('picky', 'create', 'start')).to.deep.equal(['create POD', 'create app', 'start app']);
      },
    );

    scenario(
      'a cordoned node takes no new pod; eviction honours the budget; uncordon runs the waiting pod',
      async () => {
        const guarded = { app: 'guarded' };
        // sleep as PID 1 ignores SIGTERM: a short grace period keeps the eviction's delete short
        const spec = { terminationGracePeriodSeconds: 1, containers: [c('app', sleepForever)] };
        await s.create('guarded-a', spec, guarded);
        await s.create('guarded-b', spec, guarded);
        await s.waitFor(
          'both Running',
          () => s.status('guarded-a') === 'Running' && s.status('guarded-b') === 'Running',
        );
        const pdb = await api('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets', {
          apiVersion: 'policy/v1',
          kind: 'PodDisruptionBudget',
          metadata: { name: 'guarded' },
          spec: { minAvailable: 1, selector: { matchLabels: guarded } },
        });
        expect(pdb.statusCode, pdb.body).to.equal(201);
        await s.until('the budget allows one disruption', async () => {
          const res = await api('GET', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/guarded');
          return res.json<Json>()['status']?.['disruptionsAllowed'] === 1;
        });

        await patchNode({ spec: { unschedulable: true } });
        await s.create('late', { containers: [c('app', sleepForever)] });
        await s.waitFor('late Unschedulable', () => unschedulable('late'));
        expect(s.condition('late', 'PodScheduled')?.message).to.contain('1 node(s) were unschedulable');
        await heldBack('late');

        const evict = (name: string) =>
          api('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, {
            apiVersion: 'policy/v1',
            kind: 'Eviction',
            metadata: { name, namespace: 'default' },
          });
        const evictedUid = s.pod('guarded-a').metadata.uid;
        const first = await evict('guarded-a');
        expect(first.statusCode, first.body).to.equal(201);
        await s.until('guarded-a gone from the runtime and the store', async () => {
          if (s.world.h.pod('guarded-a')) return false;
          return (await s.world.runtime.listContainers(evictedUid)).length === 0;
        });
        await s.until('the budget allows none', async () => {
          const res = await api('GET', '/apis/policy/v1/namespaces/default/poddisruptionbudgets/guarded');
          return res.json<Json>()['status']?.['disruptionsAllowed'] === 0;
        });
        const second = await evict('guarded-b');
        expect(second.statusCode, second.body).to.equal(429);
        expect(second.json<Json>()['message']).to.equal(
          "Cannot evict pod as it would violate the pod's disruption budget.",
        );
        expect(s.status('guarded-b')).to.equal('Running');
        expect(s.calls('guarded-b', 'stop')).to.deep.equal([]);

        await patchNode({ spec: { unschedulable: false } });
        await s.waitFor('late Running after uncordon', () => s.status('late') === 'Running');
        expect(s.pod('late').spec.nodeName).to.equal('test-node');
      },
    );
  });
}

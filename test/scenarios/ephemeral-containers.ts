// Ephemeral containers (kubectl debug's `pods/ephemeralcontainers` subresource), written once for both
// runtimes: one added to a running pod runs once and is never restarted, shows in
// ephemeralContainerStatuses, and cannot be removed (422 in upstream's words).
import { expect } from 'chai';
import type { Pod } from '../../agent/model/pod';
import { container } from './helpers';
import { echoThenExit, runUntilTerm } from './programs';
import { scenarioGroup } from './suite';
import type { WorldFactory } from './world';

const URL = '/api/v1/namespaces/default/pods/target/ephemeralcontainers';
const debugged = echoThenExit('debugging', 0);
const REMOVED =
  'Pod "target" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed\n';

export function ephemeralContainerScenarios(world: WorldFactory): void {
  scenarioGroup(world, 'ephemeral containers', (s, scenario) => {
    scenario('one added to a running pod runs once, shows its status and cannot be removed', async () => {
      const { h } = s.world;
      await s.create('target', { containers: [container('app', runUntilTerm)] });
      await s.waitFor('target Running', () => s.status('target') === 'Running');

      // kubectl debug's strategic merge patch
      const added = await h.api.inject({
        method: 'PATCH',
        url: URL,
        headers: { 'content-type': 'application/strategic-merge-patch+json' },
        payload: JSON.stringify({
          spec: {
            ephemeralContainers: [container('dbg', debugged, { targetContainerName: 'app' })],
          },
        }),
      });
      expect(added.statusCode, added.body).to.equal(200);
      const status = () => s.pod('target').status.ephemeralContainerStatuses?.[0];
      const done = await s.waitFor('dbg terminated', () =>
        status()?.state.terminated ? status() : undefined,
      );
      expect(done).to.include({ name: 'dbg', ready: false, restartCount: 0 });
      expect(done.state.terminated).to.include({ exitCode: 0, reason: 'Completed' });

      // never restarted, although the pod's restartPolicy is Always
      await new Promise((r) => setTimeout(r, Math.min(s.world.holdMs, 3_000)));
      expect(s.calls('target', 'start').filter((c) => c === 'start dbg')).to.have.length(1);
      expect(status()?.restartCount).to.equal(0);
      expect(s.status('target')).to.equal('Running');
      const logs = await h.api.inject({
        method: 'GET',
        url: '/api/v1/namespaces/default/pods/target/log?container=dbg',
      });
      expect(logs.body).to.equal('debugging\n');
      const reasons = h.events
        .list({ uid: s.pod('target').metadata.uid })
        .filter((e) => e.involvedObject.fieldPath === 'spec.ephemeralContainers{dbg}')
        .map((e) => e.reason);
      expect(reasons).to.include.members(['Created', 'Started']);

      // removal refused: a PUT of the pod without it, and a JSON patch
      const pod = (await h.api.inject({ method: 'GET', url: URL })).json<Pod>();
      pod.spec.ephemeralContainers = [];
      const put = await h.api.inject({ method: 'PUT', url: URL, payload: pod as object });
      expect(put.statusCode).to.equal(422);
      expect(put.json<{ message: string }>().message).to.equal(REMOVED);
      const removed = await h.api.inject({
        method: 'PATCH',
        url: URL,
        headers: { 'content-type': 'application/json-patch+json' },
        payload: JSON.stringify([{ op: 'remove', path: '/spec/ephemeralContainers/0' }]),
      });
      expect(removed.statusCode).to.equal(422);
      expect(removed.json<{ message: string }>().message).to.equal(REMOVED);
      expect(s.pod('target').spec.ephemeralContainers?.map((c) => c.name)).to.deep.equal(['dbg']);
    });
  });
}

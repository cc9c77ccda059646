// Volume sources a pod waits for, written once for every runtime: a missing ConfigMap or Secret holds the
// pod in ContainerCreating with upstream's FailedMount event; its creation starts the pod by itself.
import { expect } from 'chai';
import { container as c } from './helpers';
import { sleepForever } from './programs';
import { scenarioGroup } from './suite';
import type { WorldFactory } from './world';

export function volumeScenarios(world: WorldFactory): void {
  scenarioGroup(world, 'volume scenarios', (s, scenario) => {
    scenario(
      'a missing Secret volume source: ContainerCreating and FailedMount until it is created',
      async () => {
        await s.create('needs-secret', {
          volumes: [{ name: 'creds', secret: { secretName: 'later' } }],
          containers: [c('app', sleepForever, { volumeMounts: [{ name: 'creds', mountPath: '/creds' }] })],
        });
        await s.waitFor('FailedMount', () => s.eventReasons('needs-secret').includes('FailedMount'));
        const ev = s.world.h.events
          .list({ uid: s.pod('needs-secret').metadata.uid })
          .find((e) => e.reason === 'FailedMount');
        expect(ev?.message).to.equal(
          'MountVolume.SetUp failed for volume "creds" : secret "later" not found',
        );
        expect(ev?.type).to.equal('Warning');
        await s.waitFor('ContainerCreating', () => s.status('needs-secret') === 'ContainerCreating');
        expect(s.calls('needs-secret', 'create')).to.deep.equal([]); // no sandbox before the volume
        const res = await s.world.h.api.inject({
          method: 'POST',
          url: '/api/v1/namespaces/default/secrets',
          payload: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'later' }, stringData: { k: 'v' } },
        });
        expect(res.statusCode).to.equal(201);
        await s.waitFor('Running', () => s.status('needs-secret') === 'Running', 5_000);
      },
    );
  });
}

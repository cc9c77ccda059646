// A StatefulSet with a claim template, written once for every runtime: pods come up one ordinal after the
// other (OrderedReady), each with its own bound claim; a deleted pod comes back under its name with the
// same claim; a scale-down removes the highest ordinal first and keeps its claim (Retain).
import { expect } from 'chai';
import type { Pod } from '../../agent/model/pod';
import { container as c } from './helpers';
import { sleepForever } from './programs';
import { scenarioGroup } from './suite';
import type { WorldFactory } from './world';

const SETS = '/apis/apps/v1/namespaces/default/statefulsets';

const statefulSet = (replicas: number): object => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'web' },
  spec: {
    replicas,
    serviceName: 'web',
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [c('app', sleepForever, { volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ],
  },
});

const isReady = (p: Pod | undefined): boolean =>
  p?.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

export function statefulSetScenarios(world: WorldFactory): void {
  scenarioGroup(world, 'StatefulSet scenarios', (s, scenario) => {
    const inject = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
      const res = await s.world.h.api.inject({
        method,
        url,
        ...(method === 'PATCH' ? { headers: { 'content-type': 'application/merge-patch+json' } } : {}),
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode, res.body).to.be.oneOf([200, 201]);
    };
    const live = (): string[] =>
      s.world.h.pods
        .list('default')
        .filter((p) => p.metadata.labels?.['app'] === 'web' && !p.metadata.deletionTimestamp)
        .map((p) => p.metadata.name)
        .sort();
    const claim = (name: string) => s.world.h.agent.persistentVolumeClaims.get('default', name);
    const claimOf = (pod: Pod): string | undefined =>
      pod.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName;

    scenario(
      'ordinals in order, one bound claim each; a deleted pod returns with its claim; scale-down from the top',
      async () => {
        // web-1 may only be created once web-0 is Running and Ready: record what web-0 was then.
        const created: string[] = [];
        let web0ReadyWhenWeb1Came: boolean | undefined;
        const unsubscribe = s.world.h.pods.onChange(({ type, object }) => {
          if (type !== 'ADDED' || object.metadata.labels?.['app'] !== 'web') return;
          created.push(object.metadata.name);
          if (object.metadata.name === 'web-1') web0ReadyWhenWeb1Came = isReady(s.world.h.pod('web-0'));
        });
        try {
          await inject('POST', SETS, statefulSet(2));
          await s.waitFor('web-0 and web-1 Running', () =>
            ['web-0', 'web-1'].every((n) => s.world.h.pod(n) && s.status(n) === 'Running'),
          );
        } finally {
          unsubscribe();
        }
        expect(created).to.deep.equal(['web-0', 'web-1']);
        expect(web0ReadyWhenWeb1Came, 'web-1 created once web-0 was Ready').to.equal(true);
        for (const n of ['web-0', 'web-1']) {
          expect(claimOf(s.pod(n)), n).to.equal(`data-${n}`);
          expect(claim(`data-${n}`)?.status?.phase, `data-${n}`).to.equal('Bound');
        }
        const set = await s.waitFor('the set reports 2 ready', () => {
          const x = s.world.h.agent.statefulSets.get('default', 'web');
          return x?.status?.readyReplicas === 2 ? x : undefined;
        });
        expect(set.status).to.include({ replicas: 2, currentReplicas: 2 });

        const before = s.pod('web-0').metadata.uid;
        await inject('DELETE', '/api/v1/namespaces/default/pods/web-0?gracePeriodSeconds=0');
        const again = await s.waitFor('web-0 back and Running', () => {
          const p = s.world.h.pod('web-0');
          return p && p.metadata.uid !== before && s.status('web-0') === 'Running' ? p : undefined;
        });
        expect(claimOf(again)).to.equal('data-web-0');

        await inject('PATCH', `${SETS}/web`, { spec: { replicas: 1 } });
        await s.waitFor('web-1 gone', () => live().join() === 'web-0' && !s.world.h.pod('web-1'));
        expect(s.pod('web-0').metadata.uid, 'web-0 untouched by the scale-down').to.equal(again.metadata.uid);
        expect(claim('data-web-1')?.status?.phase, 'the claim of web-1 kept').to.equal('Bound');
      },
    );
  });
}

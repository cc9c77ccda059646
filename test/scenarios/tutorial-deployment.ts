// The tutorial's pod as the template of a Deployment with 3 replicas (issue 14): every pod waits in
// Init:0/2 until Service myservice exists, goes Init:1/2, and runs once mydb exists, as the kubelet would;
// the Deployment then turns Available. Written once for both runtimes, like the tutorial scenario.
import { expect } from 'chai';
import { parse } from 'yaml';
import type { Pod } from '../../agent/model/pod';
import { printPod } from '../../agent/status/print-pod';
import { fixture } from '../helpers/fixtures';
import { scenarioGroup } from './suite';
import type { WorldFactory } from './world';

const REPLICAS = 3;

/** initc-demo.yaml's pod (labels and spec, verbatim) as a Deployment's template. */
function tutorialDeployment(): object {
  const pod = parse(fixture('initc-demo.yaml')) as {
    metadata: { labels: Record<string, string> };
    spec: object;
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'initc-demo' },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: pod.metadata.labels },
      template: { metadata: { labels: pod.metadata.labels }, spec: pod.spec },
    },
  };
}

export function tutorialDeploymentScenario(world: WorldFactory): void {
  scenarioGroup(world, 'the tutorial as a Deployment', (s, scenario) => {
    const post = async (url: string, body: string | object): Promise<void> => {
      const res = await s.world.h.api.inject({
        method: 'POST',
        url,
        ...(typeof body === 'string' ? { headers: { 'content-type': 'application/yaml' } } : {}),
        payload: body,
      });
      expect(res.statusCode, res.body).to.equal(201);
    };
    const pods = (): Pod[] =>
      s.world.h.pods
        .list('default')
        .filter((p) => p.metadata.labels?.['app'] === 'myapp' && !p.metadata.deletionTimestamp);
    const allShow = (status: string): boolean => {
      const now = pods();
      return now.length === REPLICAS && now.every((p) => printPod(p, Date.now()).status === status);
    };

    scenario('3 replicas wait in Init:0/2, Init:1/2 after myservice, run after mydb; Available', async () => {
      const statuses = new Map<string, string[]>();
      const unsubscribe = s.world.h.pods.onChange(({ object }) => {
        if (object.metadata.labels?.['app'] !== 'myapp') return;
        const seen = statuses.get(object.metadata.name) ?? [];
        const now = printPod(object, Date.now()).status;
        if (seen[seen.length - 1] !== now) seen.push(now);
        statuses.set(object.metadata.name, seen);
      });
      try {
        await post('/apis/apps/v1/namespaces/default/deployments', tutorialDeployment());
        await s.waitFor('3 pods in init-myservice', () => {
          const now = pods();
          return (
            now.length === REPLICAS && now.every((p) => p.status.initContainerStatuses?.[0]?.state.running)
          );
        });
        const until = Date.now() + s.world.holdMs;
        while (Date.now() < until) {
          expect(allShow('Init:0/2'), 'every pod Init:0/2 before myservice').to.equal(true);
          await new Promise((r) => setTimeout(r, Math.min(250, s.world.holdMs / 4)));
        }

        await post('/services', fixture('myservice.yaml'));
        await s.waitFor('all Init:1/2', () => allShow('Init:1/2'), 10_000);

        await post('/services', fixture('mydb.yaml'));
        await s.waitFor('all Running', () => allShow('Running'), 10_000);
        const deployment = await s.waitFor('the Deployment Available', () => {
          const d = s.world.h.agent.deployments.get('default', 'initc-demo');
          const available = d?.status.conditions?.find((c) => c.type === 'Available');
          return available?.status === 'True' && d?.status.availableReplicas === REPLICAS ? d : undefined;
        });
        expect(deployment.status).to.include({ replicas: REPLICAS, readyReplicas: REPLICAS });

        // Pending is the stored pod before its first sync; PodInitializing (init-mydb's exit to the app's
        // start) may fall between two status writes. Nothing else, in this order, for every replica.
        expect(statuses.size, 'no pod replaced').to.equal(REPLICAS);
        for (const [name, seen] of statuses) {
          const shown = seen.filter((x, i) => x !== 'PodInitializing' && !(i === 0 && x === 'Pending'));
          expect(shown, name).to.deep.equal(['Init:0/2', 'Init:1/2', 'Running']);
        }
      } finally {
        unsubscribe();
      }
    });
  });
}

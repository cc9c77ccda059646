// The tutorial, verbatim (test/fixtures): its pod waits in Init:0/2 until Service myservice exists, goes
// Init:1/2, and runs once mydb exists. On Docker the init containers' nslookup asks the agent's DNS server;
// on the memory runtime the world's service lookup hook plays that loop (programs.ts).
import { expect } from 'chai';
import { printPod } from '../../agent/status/print-pod';
import { fixture } from '../helpers/fixtures';
import { scenarioGroup } from './suite';
import type { WorldFactory } from './world';

export function tutorialScenario(world: WorldFactory): void {
  scenarioGroup(world, 'the tutorial scenario', (s, scenario) => {
    const post = async (url: string, yaml: string): Promise<void> => {
      const res = await s.world.h.api.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/yaml' },
        payload: yaml,
      });
      expect(res.statusCode, res.body).to.equal(201);
    };
    const log = async (container: string): Promise<string> =>
      (await s.world.h.api.inject({ url: `/pods/initc-demo/log?container=${container}` })).body;

    scenario(
      'initc-demo waits in Init:0/2 until myservice exists, Init:1/2 until mydb, then runs',
      async () => {
        const statuses: string[] = [];
        const unsubscribe = s.world.h.pods.onChange(({ object }) => {
          if (object.metadata.name !== 'initc-demo') return;
          const now = printPod(object, Date.now()).status;
          if (statuses[statuses.length - 1] !== now) statuses.push(now);
        });
        try {
          await post('/pods', fixture('initc-demo.yaml'));
          await s.waitFor('init-myservice running', () => s.init('initc-demo', 0)?.state.running);
          const until = Date.now() + s.world.holdMs;
          while (Date.now() < until) {
            expect(s.status('initc-demo')).to.equal('Init:0/2');
            await new Promise((r) => setTimeout(r, Math.min(250, s.world.holdMs / 4)));
          }
          expect(await log('init-myservice')).to.contain('waiting for myservice');
          if (s.world.realDns) {
            // "Why is my pod stuck?": the agent's DNS server saw the lookups fail (no DNS server on memory).
            const uid = s.pod('initc-demo').metadata.uid;
            const stuck = s.world.h.events
              .list({ uid })
              .find((e) => e.type === 'Warning' && e.message.includes('no Service myservice'));
            expect(stuck?.message).to.equal(
              'init container init-myservice: lookups of myservice.default.svc.cluster.local fail: no Service myservice in namespace default',
            );
            expect(stuck?.count).to.be.greaterThan(1);
          }

          await post('/services', fixture('myservice.yaml'));
          await s.waitFor('Init:1/2', () => s.status('initc-demo') === 'Init:1/2', 5_000);
          expect(await log('init-myservice')).to.match(/Name:\s+myservice\.default\.svc\.cluster\.local/);

          await post('/services', fixture('mydb.yaml'));
          await s.waitFor('Running', () => s.status('initc-demo') === 'Running', 5_000);
          if (s.world.realDns) {
            // Lookups of mydb are init-mydb's, never blamed on init-myservice, which had exited (issue 18).
            const blamed = s.world.h.events
              .list({ uid: s.pod('initc-demo').metadata.uid })
              .filter((e) => e.message.includes('no Service mydb'))
              .map((e) => e.message.split(':')[0]);
            for (const who of blamed) expect(who).to.be.oneOf(['init container init-mydb', 'pod initc-demo']);
          }
          // Pending is the stored pod before its first sync (as before a kubelet reports). PodInitializing lasts
          // from init-mydb's exit to the app's start, one sync round: it may fall between two status writes.
          const shown = statuses.filter((x, i) => x !== 'PodInitializing' && !(i === 0 && x === 'Pending'));
          expect(shown).to.deep.equal(['Init:0/2', 'Init:1/2', 'Running']);
          expect(s.condition('initc-demo', 'Initialized')?.status).to.equal('True');
          for (let i = 0; i < 20 && !(await log('myapp-container')).includes('The app is running!'); i++)
            await new Promise((r) => setTimeout(r, 100));
          expect(await log('myapp-container')).to.equal('The app is running!\n');
        } finally {
          unsubscribe();
        }
      },
    );
  });
}

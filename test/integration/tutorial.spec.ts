// The tutorial scenario, verbatim: its pod waits in Init:0/2 until Service myservice exists, goes
// Init:1/2, and runs once mydb exists. Pods resolve the Services through the agent's DNS server.
import { expect } from 'chai';
import { nopLogger } from '../../agent/log';
import type { Pod } from '../../agent/model/pod';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { printPod } from '../../agent/status/print-pod';
import { fixture } from '../helpers/fixtures';
import { Harness } from '../helpers/harness';

describe('the tutorial scenario (real engine, the agent DNS)', function () {
  this.timeout(120_000);
  let h: Harness;
  const statuses: string[] = [];

  before(async () => {
    h = await new Harness({ runtime: new DockerRuntime({ logger: nopLogger }) }).start();
    h.pods.onChange(({ object }) => {
      if (object.metadata.name !== 'initc-demo') return;
      const s = printPod(object, Date.now()).status;
      if (statuses[statuses.length - 1] !== s) statuses.push(s);
    });
  });
  after(async () => h.stop());

  const post = async (url: string, yaml: string): Promise<void> => {
    const res = await h.api.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/yaml' },
      payload: yaml,
    });
    expect(res.statusCode, res.body).to.equal(201);
  };
  const status = (): string => printPod(h.pod('initc-demo')!, Date.now()).status;
  const log = async (container: string): Promise<string> =>
    (await h.api.inject({ url: `/pods/initc-demo/log?container=${container}` })).body;

  it('stays Init:0/2 while Service myservice does not exist (10 s), saying why', async () => {
    await post('/pods', fixture('initc-demo.yaml'));
    await h.waitFor(
      'init-myservice running',
      () => h.pod('initc-demo')?.status.initContainerStatuses?.[0]?.state.running,
    );
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      expect(status()).to.equal('Init:0/2');
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await log('init-myservice')).to.contain('waiting for myservice');
    const uid = h.pod('initc-demo')!.metadata.uid;
    const stuck = h.events
      .list({ uid })
      .find((e) => e.type === 'Warning' && e.message.includes('no Service myservice'));
    expect(stuck?.message).to.equal(
      'init container init-myservice: lookups of myservice.default.svc.cluster.local fail: no Service myservice in namespace default',
    );
    expect(stuck?.count).to.be.greaterThan(1);
  });

  it('goes Init:1/2 within 5 s of creating myservice', async () => {
    await post('/services', fixture('myservice.yaml'));
    await h.waitFor('Init:1/2', () => status() === 'Init:1/2', 5_000);
    expect(await log('init-myservice')).to.match(/Name:\s+myservice\.default\.svc\.cluster\.local/);
  });

  it('runs within 5 s of creating mydb, and the app says so', async () => {
    await post('/services', fixture('mydb.yaml'));
    await h.waitFor('Running', () => status() === 'Running', 5_000);
    // Pending is the stored pod before its first sync (as before a kubelet reports). PodInitializing lasts
    // from init-mydb's exit to the app's start, one sync round: it may fall between two status writes.
    const shown = statuses.filter((s, i) => s !== 'PodInitializing' && !(i === 0 && s === 'Pending'));
    expect(shown).to.deep.equal(['Init:0/2', 'Init:1/2', 'Running']);
    const pod: Pod = h.pod('initc-demo')!;
    expect(pod.status.conditions?.find((c) => c.type === 'Initialized')?.status).to.equal('True');
    for (let i = 0; i < 20 && !(await log('myapp-container')).includes('The app is running!'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await log('myapp-container')).to.equal('The app is running!\n');
  });
});

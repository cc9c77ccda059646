// Runs inside the compose network (the `tests` service): the agent runs in its own container, creates
// the pods on the host engine, and the pods resolve Services through the agent's DNS.
import { expect } from 'chai';
import type { Pod } from '../../agent/model/pod';
import { printPod } from '../../agent/status/print-pod';
import { fixture } from '../helpers/fixtures';
import { getJson, getText, post, remove, until } from './agent-client';

async function status(): Promise<string> {
  const pod = await getJson<Pod>('/pods/initc-demo');
  return pod ? printPod(pod, Date.now()).status : 'absent';
}

const statusNow = async (): Promise<string> => `(status ${await status()})`;

describe('the tutorial scenario with the agent in docker-compose', function () {
  this.timeout(120_000);

  after(async () => {
    await remove('/pods/initc-demo?gracePeriodSeconds=0');
    for (const s of ['myservice', 'mydb']) await remove(`/services/${s}`);
    await until('pod gone', async () => (await getJson('/pods/initc-demo')) === undefined, 30_000);
  });

  it('waits in Init:0/2 while myservice is missing', async () => {
    await post('/pods', fixture('initc-demo.yaml'));
    await until('init-myservice running', async () => (await status()) === 'Init:0/2', 30_000, statusNow);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await status()).to.equal('Init:0/2');
    const log = await getText('/pods/initc-demo/log?container=init-myservice');
    expect(log).to.contain('waiting for myservice');
  });

  it('goes Init:1/2 once myservice exists, then Running once mydb exists', async () => {
    await post('/services', fixture('myservice.yaml'));
    await until('Init:1/2', async () => (await status()) === 'Init:1/2', 10_000, statusNow);
    await post('/services', fixture('mydb.yaml'));
    await until('Running', async () => (await status()) === 'Running', 10_000, statusNow);
    const log = await getText('/pods/initc-demo/log?container=myapp-container');
    expect(log).to.equal('The app is running!\n');
  });
});

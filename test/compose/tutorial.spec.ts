// Runs inside the compose network (the `tests` service): the agent runs in its own container, creates
// the pods on the host engine, and the pods resolve Services through the agent's DNS.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import type { Pod } from '../../agent/model/pod';
import { printPod } from '../../agent/status/print-pod';
import { fixture } from '../helpers/fixtures';

const AGENT = process.env['AGENT_URL'] ?? 'http://agent:10250';
// The agent listens on 0.0.0.0 there, so every request but the health probes carries its token.
const TOKEN_FILE = process.env['AGENT_TOKEN_FILE'] ?? '/var/lib/minikubelet/token';
const TOKEN = existsSync(TOKEN_FILE) ? readFileSync(TOKEN_FILE, 'utf8').trim() : '';

function fetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (TOKEN) headers.set('authorization', `Bearer ${TOKEN}`);
  return globalThis.fetch(url, { ...init, headers });
}

async function post(path: string, yaml: string): Promise<void> {
  const res = await fetch(`${AGENT}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml' },
    body: yaml,
  });
  expect(res.status, await res.clone().text()).to.equal(201);
}

async function status(): Promise<string> {
  const pod = (await (await fetch(`${AGENT}/pods/initc-demo`)).json()) as Pod;
  return printPod(pod, Date.now()).status;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (status ${await status()})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the tutorial scenario with the agent in docker-compose', function () {
  this.timeout(120_000);

  after(async () => {
    await fetch(`${AGENT}/pods/initc-demo?gracePeriodSeconds=0`, { method: 'DELETE' });
    for (const s of ['myservice', 'mydb']) await fetch(`${AGENT}/services/${s}`, { method: 'DELETE' });
    await until('pod gone', async () => (await fetch(`${AGENT}/pods/initc-demo`)).status === 404, 30_000);
  });

  it('waits in Init:0/2 while myservice is missing', async () => {
    await post('/pods', fixture('initc-demo.yaml'));
    await until('init-myservice running', async () => (await status()) === 'Init:0/2', 30_000);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await status()).to.equal('Init:0/2');
    const log = await (await fetch(`${AGENT}/pods/initc-demo/log?container=init-myservice`)).text();
    expect(log).to.contain('waiting for myservice');
  });

  it('goes Init:1/2 once myservice exists, then Running once mydb exists', async () => {
    await post('/services', fixture('myservice.yaml'));
    await until('Init:1/2', async () => (await status()) === 'Init:1/2', 10_000);
    await post('/services', fixture('mydb.yaml'));
    await until('Running', async () => (await status()) === 'Running', 10_000);
    const log = await (await fetch(`${AGENT}/pods/initc-demo/log?container=myapp-container`)).text();
    expect(log).to.equal('The app is running!\n');
  });
});

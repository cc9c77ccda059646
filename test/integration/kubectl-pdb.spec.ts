// The real kubectl 1.35 with PodDisruptionBudgets on the memory runtime (no container starts): `create pdb`
// (a protobuf body), `get pdb` columns as upstream prints them, `describe pdb` with the status the disruption
// controller keeps, and an eviction through pods/eviction (POSTed here: `kubectl drain` also needs a cordon)
// refused with the 429 while the budget is spent, then allowed once the Deployment's replacement is ready.
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { kubectlOf, memoryAgentForKubectl, workloadManifest } from '../helpers/kubectl';

describe('kubectl 1.35: PodDisruptionBudgets and evictions (memory runtime)', function () {
  this.timeout(120_000);
  const agent = memoryAgentForKubectl();
  const { kubectl, ok } = kubectlOf('35', () => agent);

  const evict = async (pod: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const port = (agent.h.api.server.address() as AddressInfo).port;
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/namespaces/default/pods/${pod}/eviction`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod } }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      expect(Date.now(), what).to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const allowed = async (): Promise<string> =>
    ok(['get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}']);

  it('creates a budget, prints it as upstream, and evicts within it', async () => {
    const deployment = workloadManifest('Deployment', 'web', '  replicas: 3\n').replace(
      'busybox:1.0',
      'busybox:latest',
    );
    expect(await ok(['apply', '-f', '-'], deployment)).to.contain('deployment.apps/web created');
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);

    expect(await ok(['create', 'pdb', 'web', '--selector=app=web', '--min-available=2'])).to.equal(
      'poddisruptionbudget.policy/web created\n',
    );
    await until('one disruption allowed', async () => (await allowed()) === '1');
    expect(await ok(['get', 'pdb'])).to.match(
      /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+2\s+N\/A\s+1\s+\S+\n$/,
    );
    const described = await ok(['describe', 'pdb', 'web']);
    expect(described).to.match(/^Name:\s+web$/m);
    expect(described).to.match(/^Min available:\s+2$/m);
    expect(described).to.match(/^Selector:\s+app=web$/m);
    expect(described).to.match(/Allowed disruptions:\s+1\n\s+Current:\s+3\n\s+Desired:\s+2\n\s+Total:\s+3\n/);

    // bare pods (nothing replaces an evicted one): two ready, a budget of minAvailable 1 under another label
    for (const name of ['a', 'b'])
      await ok(['run', name, '--image=busybox:latest', '--labels=app=bare', '--', 'sleep', '3600']);
    await ok(['wait', '--for=condition=Ready', 'pod/a', 'pod/b', '--timeout=60s']);
    await ok(['create', 'pdb', 'bare', '--selector=app=bare', '--min-available=1']);
    const bareAllowed = async (): Promise<string> =>
      ok(['get', 'pdb', 'bare', '-o', 'jsonpath={.status.disruptionsAllowed}']);
    await until('bare: one allowed', async () => (await bareAllowed()) === '1');
    expect(await evict('a')).to.deep.include({ status: 201 });
    const refused = await evict('b');
    expect(refused.status).to.equal(429);
    expect(refused.body).to.deep.include({
      reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget bare needs 1 healthy pods and has 1 currently',
          },
        ],
      },
    });
    expect(await ok(['get', 'pod', 'b', '-o', 'jsonpath={.metadata.deletionTimestamp}'])).to.equal('');
    // a third ready pod: allowed again
    await ok(['run', 'c', '--image=busybox:latest', '--labels=app=bare', '--', 'sleep', '3600']);
    await until('bare: allowed again', async () => (await bareAllowed()) === '1');
    expect(await evict('b')).to.deep.include({ status: 201 });

    // percentages resolve against the Deployment's scale: 3 replicas, maxUnavailable 34% -> 2 may go
    await ok(['delete', 'pdb', 'web']);
    expect(await ok(['create', 'pdb', 'pct', '--selector=app=web', '--max-unavailable=34%'])).to.contain(
      'created',
    );
    await until('pct computed', async () => {
      const out = await ok([
        'get',
        'pdb',
        'pct',
        '-o',
        'jsonpath={.status.expectedPods}/{.status.desiredHealthy}',
      ]);
      return out === '3/1';
    });
    const pct = await kubectl(['get', 'pdb', 'pct']);
    expect(pct.stdout).to.match(/^pct\s+N\/A\s+34%\s+\d+\s+\S+$/m);
  });
});

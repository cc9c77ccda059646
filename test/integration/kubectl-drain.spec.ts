// The real kubectl 1.35 draining the one node (memory runtime: no container starts): `kubectl drain` cordons it,
// then evicts each pod through pods/eviction, which honours PodDisruptionBudgets. On a single node the
// replacement of an evicted pod cannot be scheduled while the node is cordoned, so a budget that needs it holds
// the drain back, as it would on a one-node cluster; `uncordon` lets the replacement run.
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl, workloadManifest } from '../helpers/kubectl';

const deployment = workloadManifest('Deployment', 'web', '  replicas: 2\n').replace(
  'busybox:1.0',
  'busybox:latest',
);
const budget = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
`;

describe('kubectl 1.35: drain, cordon and uncordon with a PodDisruptionBudget (memory runtime)', function () {
  this.timeout(180_000);
  const agent = memoryAgentForKubectl();
  const { kubectl, ok } = kubectlOf('35', () => agent);
  let node = '';

  const until = async (what: string, f: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!(await f())) {
      expect(Date.now(), what).to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  before(async () => {
    node = (await ok(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    expect(node).to.not.equal('');
  });

  it('holds the drain at the budget: one pod evicted, its replacement Pending on the cordoned node', async () => {
    await ok(['apply', '-f', '-'], `${deployment}---\n${budget}`);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    await until(
      'the budget to allow one disruption',
      async () =>
        (await ok(['get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}'])).trim() === '1',
    );

    const drain = await kubectl(['drain', node, '--ignore-daemonsets', '--timeout=15s']);
    const out = `${drain.stdout}${drain.stderr}`;
    expect(drain.code, out).to.not.equal(0);
    expect(out).to.contain(`node/${node} cordoned`);
    expect(out).to.match(/evicting pod default\/web-/);
    expect(out).to.contain("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(await ok(['get', 'node', node])).to.match(/\sReady,SchedulingDisabled\s/);

    // The evicted pod's replacement waits for a node, with the scheduler's reason.
    const pending = (
      await ok(['get', 'pods', '-l', 'app=web', '--field-selector=status.phase=Pending', '-o', 'name'])
    ).trim();
    expect(pending, 'one replacement Pending').to.match(/^pod\/web-\S+$/);
    const described = await ok(['describe', pending]);
    expect(described).to.match(
      /Warning\s+FailedScheduling\s+.*0\/1 nodes are available: 1 node\(s\) were unschedulable/,
    );

    expect(await ok(['uncordon', node])).to.contain(`node/${node} uncordoned`);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    expect(await ok(['get', 'node', node])).to.not.contain('SchedulingDisabled');
  });

  it('drains a node of a bare pod only with --force, then reports it drained', async () => {
    await ok(['delete', 'deployment', 'web', '--wait=false']);
    await ok(['delete', 'pdb', 'web']);
    await ok(['run', 'lonely', '--image=busybox:latest', '--', 'sleep', '3600']);

    const refused = await kubectl(['drain', node, '--ignore-daemonsets', '--timeout=15s']);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.contain(
      'cannot delete Pods that declare no controller (use --force to override)',
    );

    const forced = await kubectl(['drain', node, '--ignore-daemonsets', '--force', '--timeout=30s']);
    expect(forced.code, `${forced.stdout}${forced.stderr}`).to.equal(0);
    expect(forced.stdout).to.contain(`node/${node} drained`);
    await until('the bare pod to go', async () => (await ok(['get', 'pods', '-o', 'name'])).trim() === '');
    await ok(['uncordon', node]);
  });
});

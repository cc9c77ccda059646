// The real kubectl 1.35 and NoExecute taints (memory runtime: no container starts): `kubectl taint node
// k=v:NoExecute` evicts the pods that do not tolerate it (the taint manager marks them DisruptionTarget, with
// the TaintManagerEviction event), a Deployment's replacement stays Pending with FailedScheduling, a pod that
// tolerates the taint stays, a DaemonSet without the toleration loses its pod (desiredNumberScheduled 0);
// removing the taint brings everything back. New pods carry DefaultTolerationSeconds' tolerations.
import { expect } from 'chai';
import type { PodCondition } from '../../agent/model/pod';
import { kubectlOf, memoryAgentForKubectl, workloadManifest } from '../helpers/kubectl';

const deployment = workloadManifest('Deployment', 'web', '  replicas: 1\n').replace(
  'busybox:1.0',
  'busybox:latest',
);
const daemonSet = workloadManifest('DaemonSet', 'agent').replace('busybox:1.0', 'busybox:latest');
const tolerant = `apiVersion: v1
kind: Pod
metadata: {name: tolerant}
spec:
  tolerations: [{key: k, operator: Equal, value: v, effect: NoExecute}]
  containers:
  - {name: main, image: busybox:latest, command: [sleep, '1000']}
`;

describe('kubectl 1.35: NoExecute taints evict (memory runtime)', function () {
  this.timeout(180_000);
  const agent = memoryAgentForKubectl();
  const { ok } = kubectlOf('35', () => agent);
  /** The DisruptionTarget conditions pods were written with, by pod name (they go right after). */
  const targets = new Map<string, PodCondition>();

  const until = async (what: string, f: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!(await f())) {
      expect(Date.now(), what).to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const names = async (selector: string, phase?: string): Promise<string[]> =>
    (
      await ok([
        'get',
        'pods',
        '-l',
        selector,
        ...(phase ? [`--field-selector=status.phase=${phase}`] : []),
        '-o',
        'jsonpath={.items[*].metadata.name}',
      ])
    )
      .split(' ')
      .filter(Boolean);
  const desired = async (): Promise<string> =>
    (await ok(['get', 'ds', 'agent', '-o', 'jsonpath={.status.desiredNumberScheduled}'])).trim();

  before(() => {
    agent.h.pods.onChange(({ object }) => {
      const c = object.status.conditions?.find((x) => x.type === 'DisruptionTarget');
      if (c) targets.set(object.metadata.name, c);
    });
  });

  it('taint NoExecute: evicts the intolerant, keeps the tolerant; removing it brings all back', async () => {
    await ok(['apply', '-f', '-'], `${deployment}---\n${daemonSet}---\n${tolerant}`);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    await ok(['rollout', 'status', 'daemonset/agent', '--timeout=60s']);
    await until('tolerant running', async () => (await names('!app')).length === 1);
    const [web] = await names('app=web', 'Running');
    expect(web).to.be.a('string');
    expect(await desired()).to.equal('1');

    // DefaultTolerationSeconds, as describe prints it
    expect(await ok(['describe', 'pod', web!])).to.match(
      /Tolerations:\s+node\.kubernetes\.io\/not-ready:NoExecute op=Exists for 300s\n\s+node\.kubernetes\.io\/unreachable:NoExecute op=Exists for 300s/,
    );

    expect(await ok(['taint', 'node', 'test-node', 'k=v:NoExecute'])).to.contain('node/test-node tainted');
    await until('the web pod evicted and its replacement Pending', async () => {
      const pods = await names('app=web');
      return !pods.includes(web!) && (await names('app=web', 'Pending')).length === 1;
    });
    expect(targets.get(web!)).to.include({
      status: 'True',
      reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint',
    });
    const events = await ok(['get', 'events', '--field-selector', 'reason=TaintManagerEviction']);
    expect(events).to.contain(`Marking for deletion Pod default/${web}`);
    const [replacement] = await names('app=web', 'Pending');
    expect(await ok(['describe', 'pod', replacement!])).to.match(
      /Warning\s+FailedScheduling\s+.*0\/1 nodes are available: 1 node\(s\) had untolerated taint \{k: v\}/,
    );

    // the DaemonSet: no toleration, so no pod and none desired
    await until('the daemon pod gone', async () => (await names('app=agent')).length === 0);
    await until('desiredNumberScheduled 0', async () => (await desired()) === '0');
    expect(await ok(['get', 'pod', 'tolerant', '-o', 'jsonpath={.status.phase}'])).to.equal('Running');
    expect(targets.has('tolerant')).to.equal(false);

    expect(await ok(['taint', 'node', 'test-node', 'k=v:NoExecute-'])).to.contain('node/test-node untainted');
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    await until('the daemon pod back', async () => (await names('app=agent', 'Running')).length === 1);
    await until('desiredNumberScheduled 1', async () => (await desired()) === '1');
    expect(await ok(['get', 'pod', 'tolerant', '-o', 'jsonpath={.status.phase}'])).to.equal('Running');
  });

  it('a pod evicted through the Eviction API (kubectl drain) is marked EvictionByEvictionAPI', async () => {
    await ok(['run', 'lonely', '--image=busybox:latest', '--', 'sleep', '3600']);
    await until(
      'lonely running',
      async () => (await ok(['get', 'pod', 'lonely', '-o', 'jsonpath={.status.phase}'])) === 'Running',
    );
    await ok(['drain', 'test-node', '--force', '--ignore-daemonsets', '--pod-selector=run=lonely']);
    expect(targets.get('lonely')).to.include({
      status: 'True',
      reason: 'EvictionByEvictionAPI',
      message: 'Eviction API: evicting',
    });
    await ok(['uncordon', 'test-node']);
  });
});

// The real kubectl 1.35 and the scheduler (memory runtime, no container starts): `kubectl cordon` shows in
// `get nodes` (SchedulingDisabled), a new pod stays Pending with the FailedScheduling event `describe pod`
// prints, `kubectl uncordon` lets it run; `kubectl taint node` and `kubectl label node` (and their removal)
// change what fits.
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl } from '../helpers/kubectl';

const pod = (name: string, spec = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
${spec}  containers:
  - {name: main, image: busybox:latest, command: [sleep, '1000']}
`;

describe('kubectl 1.35: cordon, taint and label the node; the scheduler (memory runtime)', function () {
  this.timeout(120_000);
  const agent = memoryAgentForKubectl();
  const { kubectl, ok } = kubectlOf('35', () => agent);

  const phaseOf = async (name: string): Promise<string> =>
    ok(['get', 'pod', name, '-o', 'jsonpath={.status.phase}']);
  const waitPhase = async (name: string, phase: string): Promise<void> => {
    const deadline = Date.now() + 30_000;
    let now = '';
    while ((now = await phaseOf(name)) !== phase) {
      expect(Date.now(), `${name} to be ${phase}, is ${now}`).to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('cordon: SchedulingDisabled, a pod Pending with FailedScheduling; uncordon: it runs', async () => {
    expect(await ok(['cordon', 'test-node'])).to.contain('node/test-node cordoned');
    expect(await ok(['get', 'nodes'])).to.match(/^test-node\s+Ready,SchedulingDisabled\s/m);
    expect(await ok(['apply', '-f', '-'], pod('waiting'))).to.contain('pod/waiting created');
    expect(await ok(['get', 'pod', 'waiting'])).to.match(/^waiting\s+0\/1\s+Pending\s+0\s/m);
    const described = await ok(['describe', 'pod', 'waiting']);
    expect(described).to.match(/^Node:\s+<none>$/m);
    expect(described).to.match(
      /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/1 nodes are available: 1 node\(s\) were unschedulable\. preemption: 0\/1 nodes are available: 1 Preemption is not helpful for scheduling\./,
    );
    expect(await ok(['uncordon', 'test-node'])).to.contain('node/test-node uncordoned');
    expect(await ok(['get', 'nodes'])).to.match(/^test-node\s+Ready\s/m);
    await waitPhase('waiting', 'Running');
    expect(await ok(['describe', 'pod', 'waiting'])).to.match(
      /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/waiting to test-node/,
    );
  });

  it('kubectl taint node keeps an intolerant pod off until the taint is removed', async () => {
    expect(await ok(['taint', 'node', 'test-node', 'dedicated=gpu:NoSchedule'])).to.contain(
      'node/test-node tainted',
    );
    const taints = await ok(['get', 'node', 'test-node', '-o', 'jsonpath={.spec.taints}']);
    expect(JSON.parse(taints)).to.deep.equal([{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    await ok(['apply', '-f', '-'], pod('intolerant'));
    const tolerant = pod(
      'tolerant',
      '  tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]\n',
    );
    await ok(['apply', '-f', '-'], tolerant);
    await waitPhase('tolerant', 'Running');
    expect(await phaseOf('intolerant')).to.equal('Pending');
    expect(await ok(['get', 'events', '--field-selector', 'involvedObject.name=intolerant'])).to.contain(
      'node(s) had untolerated taint {dedicated: gpu}',
    );
    const bad = await kubectl(['taint', 'node', 'test-node', 'k=v:Sometimes']);
    expect(bad.code).to.not.equal(0);
    expect(await ok(['taint', 'node', 'test-node', 'dedicated=gpu:NoSchedule-'])).to.contain(
      'node/test-node untainted',
    );
    await waitPhase('intolerant', 'Running');
  });

  it('kubectl label node makes a nodeSelector fit; --overwrite and removal work', async () => {
    await ok(['apply', '-f', '-'], pod('picky', '  nodeSelector: {disk: ssd}\n'));
    const deadline = Date.now() + 10_000;
    while (!(await ok(['describe', 'pod', 'picky'])).includes("didn't match Pod's node affinity/selector"))
      expect(Date.now(), 'FailedScheduling for picky').to.be.below(deadline);
    expect(await ok(['label', 'node', 'test-node', 'disk=ssd'])).to.contain('node/test-node labeled');
    await waitPhase('picky', 'Running');
    expect(await ok(['get', 'nodes', '-l', 'disk=ssd', '-o', 'name'])).to.equal('node/test-node\n');
    expect(await ok(['annotate', 'node', 'test-node', 'team=infra'])).to.contain('node/test-node annotated');
    expect(await ok(['label', 'node', 'test-node', 'disk-'])).to.contain('node/test-node unlabeled');
    expect(await ok(['get', 'nodes', '-l', 'disk=ssd', '-o', 'name'])).to.equal('');
  });
});

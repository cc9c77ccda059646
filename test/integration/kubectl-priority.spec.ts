// The real kubectl 1.35 and priorities (memory runtime, no container starts): `kubectl create priorityclass`
// (a protobuf body), `get priorityclasses` columns with the system classes, a low-priority Deployment that
// fills the node's cpu, a high-priority pod that preempts one of its pods and runs, `describe` showing the
// Preempted and FailedScheduling events; a pod for another schedulerName stays Pending untouched.
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl } from '../helpers/kubectl';

describe('kubectl 1.35: PriorityClasses and preemption (memory runtime)', function () {
  this.timeout(120_000);
  const agent = memoryAgentForKubectl();
  const { kubectl, ok } = kubectlOf('35', () => agent);

  const until = async (what: string, check: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      expect(Date.now(), what).to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('create priorityclass and get priorityclasses', async () => {
    expect(await ok(['create', 'priorityclass', 'low', '--value=10', '--description=filler'])).to.contain(
      'priorityclass.scheduling.k8s.io/low created',
    );
    expect(await ok(['create', 'priorityclass', 'high', '--value=1000'])).to.contain('created');
    const table = await ok(['get', 'priorityclasses']);
    expect(table).to.match(/^NAME\s+VALUE\s+GLOBAL-DEFAULT\s+AGE\s+PREEMPTIONPOLICY$/m);
    expect(table).to.match(/^system-node-critical\s+2000001000\s+false\s+\S+\s+PreemptLowerPriority$/m);
    expect(table).to.match(/^low\s+10\s+false\s+\S+\s+PreemptLowerPriority$/m);
    const refused = await kubectl(['delete', 'pc', 'system-cluster-critical']);
    expect(refused.stderr).to.contain('this is a system priority class and cannot be deleted');
  });

  it('a high-priority pod preempts one pod of a low-priority Deployment filling the cpu, then runs', async () => {
    const cpu = await ok(['get', 'node', 'test-node', '-o', 'jsonpath={.status.allocatable.cpu}']);
    const milli = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
    const half = `${Math.floor(milli / 2)}m`;
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: filler}
spec:
  replicas: 2
  selector: {matchLabels: {app: filler}}
  template:
    metadata: {labels: {app: filler}}
    spec:
      priorityClassName: low
      containers:
      - {name: main, image: busybox:latest, command: [sleep, '1000'], resources: {requests: {cpu: ${half}}}}
`;
    await ok(['apply', '-f', '-'], deployment);
    await until(
      'the filler pods run',
      async () =>
        (await ok(['get', 'pods', '-l', 'app=filler', '-o', 'jsonpath={.items[*].status.phase}'])) ===
        'Running Running',
    );
    const before = (await ok(['get', 'pods', '-l', 'app=filler', '-o', 'name'])).trim().split('\n');
    const important = `apiVersion: v1
kind: Pod
metadata: {name: important}
spec:
  priorityClassName: high
  containers:
  - {name: main, image: busybox:latest, command: [sleep, '1000'], resources: {requests: {cpu: ${half}}}}
`;
    await ok(['apply', '-f', '-'], important);
    expect(await ok(['get', 'pod', 'important', '-o', 'jsonpath={.spec.priority}'])).to.equal('1000');
    await until(
      'important runs',
      async () => (await ok(['get', 'pod', 'important', '-o', 'jsonpath={.status.phase}'])) === 'Running',
    );
    expect(
      await ok(['get', 'pod', 'important', '-o', 'jsonpath={.spec.nodeName} {.status.nominatedNodeName}']),
    ).to.equal('test-node test-node');
    const described = await ok(['describe', 'pod', 'important']);
    expect(described).to.match(/^Priority:\s+1000$/m);
    expect(described).to.match(/^Priority Class Name:\s+high$/m);
    expect(described).to.match(
      /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/1 nodes are available: 1 Insufficient cpu\.\n/,
    );
    expect(described).to.match(
      /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\/important/,
    );
    const uid = await ok(['get', 'pod', 'important', '-o', 'jsonpath={.metadata.uid}']);
    const events = await ok([
      'get',
      'events',
      '--field-selector',
      'reason=Preempted',
      '-o',
      'jsonpath={.items[*].message}',
    ]);
    expect(events).to.equal(`Preempted by pod ${uid} on node test-node`);
    // one filler went; its replacement waits, lower than the pod that took its place
    await until('one filler pod was replaced', async () => {
      const now = (await ok(['get', 'pods', '-l', 'app=filler', '-o', 'name'])).trim().split('\n');
      return now.filter((n) => before.includes(n)).length === 1 && now.length === 2;
    });
    const pending = await ok([
      'get',
      'pods',
      '-l',
      'app=filler',
      '--field-selector',
      'status.phase=Pending',
      '-o',
      'name',
    ]);
    const waiting = await ok(['describe', pending.trim()]);
    expect(waiting).to.match(
      /FailedScheduling\s+\S+\s+default-scheduler\s+0\/1 nodes are available: 1 Insufficient cpu\. preemption: 0\/1 nodes are available: 1 No preemption victims found for incoming pod\./,
    );
  });

  it('a pod for another scheduler stays Pending with no condition and no event', async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata: {name: elsewhere}
spec:
  schedulerName: my-scheduler
  containers:
  - {name: main, image: busybox:latest, command: [sleep, '1000']}
`;
    await ok(['apply', '-f', '-'], manifest);
    await new Promise((r) => setTimeout(r, 500));
    expect(
      await ok([
        'get',
        'pod',
        'elsewhere',
        '-o',
        'jsonpath={.status.phase}|{.spec.nodeName}|{.status.conditions}',
      ]),
    ).to.equal('Pending||');
    const described = await ok(['describe', 'pod', 'elsewhere']);
    expect(described).to.match(/^Events:\s+<none>$/m);
  });
});

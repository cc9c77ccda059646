// The scheduler in the whole agent (memory runtime): Node writes (cordon, taints, labels) through the API,
// a pod that does not fit staying Pending and unbound with FailedScheduling, and the scheduler controller
// binding it once the node changes or a pod frees room.
import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import type { Node } from '../../../../agent/model/node';
import type { Pod } from '../../../../agent/model/pod';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { Harness } from '../../../helpers/harness';

const NODE = '/api/v1/nodes/test-node';
const PODS = '/api/v1/namespaces/default/pods';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const SMP = { 'content-type': 'application/strategic-merge-patch+json' };

describe('scheduler: pods and the node (memory runtime)', () => {
  let clock: ManualClock;
  let runtime: MemoryRuntime;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    runtime = new MemoryRuntime(clock);
    h = await new Harness({ runtime, clock }).start();
  });
  afterEach(async () => h.stop());

  const patchNode = async (patch: object): Promise<{ statusCode: number; body: string }> =>
    h.api.inject({ method: 'PATCH', url: NODE, headers: SMP, payload: patch });
  const node = async (): Promise<Node> => (await h.api.inject({ url: NODE })).json<Node>();
  const create = (
    name: string,
    spec: Record<string, unknown> = {},
    container: Record<string, unknown> = {},
  ) =>
    h.createPod({
      metadata: { name },
      spec: {
        containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1000'], ...container }],
        ...spec,
      },
    });
  const running = (name: string) =>
    h.waitFor(`${name} running`, () => h.pod(name)?.status.phase === 'Running' && h.pod(name));
  const waitingWith = async (name: string, reason: string): Promise<Pod> => {
    const pod = await h.waitFor(`${name} unschedulable`, () => {
      const p = h.pod(name);
      const c = p?.status.conditions?.find((x) => x.type === 'PodScheduled');
      return c?.status === 'False' && c.message?.includes(reason) && p;
    });
    expect(pod.spec.nodeName ?? '').to.equal('');
    expect(pod.status.phase).to.equal('Pending');
    expect(await runtime.listContainers(pod.metadata.uid)).to.be.empty; // the sync loop left it alone
    return pod;
  };
  const eventsOf = (pod: Pod, reason: string) =>
    h.events.list({ uid: pod.metadata.uid }).filter((e) => e.reason === reason);
  const heartbeat = async () => {
    clock.advance(10_000);
    await new Promise((r) => setImmediate(r));
  };

  it('cordon: SchedulingDisabled, the field selector, a new pod Pending with FailedScheduling; uncordon runs it', async () => {
    expect((await patchNode({ spec: { unschedulable: true } })).statusCode).to.equal(200);
    const t = (await h.api.inject({ url: '/api/v1/nodes', headers: { accept: TABLE } })).json<{
      rows: { cells: string[] }[];
    }>();
    expect(t.rows[0]?.cells[1]).to.equal('Ready,SchedulingDisabled');
    const selected = (sel: string) =>
      h.api
        .inject({ url: `/api/v1/nodes?fieldSelector=${encodeURIComponent(sel)}` })
        .then((r) => r.json<{ items: unknown[] }>().items.length);
    expect(await selected('spec.unschedulable=true')).to.equal(1);
    expect(await selected('spec.unschedulable=false')).to.equal(0);

    const created = await create('web');
    expect(created.spec.nodeName ?? '').to.equal('');
    const message =
      '0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';
    const pod = await waitingWith('web', 'were unschedulable');
    expect(pod.status.conditions?.find((c) => c.type === 'PodScheduled')).to.include({
      reason: 'Unschedulable',
      message,
    });
    const failed = eventsOf(pod, 'FailedScheduling');
    expect(failed.map((e) => [e.type, e.message, e.reportingComponent])).to.deep.equal([
      ['Warning', message, 'default-scheduler'],
    ]);
    await heartbeat(); // the reporter's refresh keeps the cordon
    expect((await node()).spec.unschedulable).to.equal(true);
    expect(h.pod('web')?.spec.nodeName ?? '').to.equal('');

    expect((await patchNode({ spec: { unschedulable: null } })).statusCode).to.equal(200);
    const ran = await running('web');
    expect(ran.spec.nodeName).to.equal('test-node');
    expect(ran.status.conditions?.find((c) => c.type === 'PodScheduled')?.status).to.equal('True');
    expect(eventsOf(ran, 'Scheduled').map((e) => e.message)).to.deep.equal([
      'Successfully assigned default/web to test-node',
    ]);
  });

  it('taints: an untolerated one keeps a pod off, a toleration lets another on, removing it runs the first', async () => {
    const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    expect((await patchNode({ spec: { taints: [taint] } })).statusCode).to.equal(200);
    await create('plain');
    await waitingWith('plain', 'had untolerated taint {dedicated: gpu}');
    await create('tolerant', {
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
    });
    await running('tolerant');
    await heartbeat();
    expect((await node()).spec.taints).to.deep.equal([taint]);
    await patchNode({ spec: { taints: null } });
    await running('plain');
  });

  it('nodeSelector: a pod waits for a label that `kubectl label node` adds; the heartbeat keeps it', async () => {
    await create('picky', { nodeSelector: { disk: 'ssd' } });
    await waitingWith('picky', "didn't match Pod's node affinity/selector");
    const merge = { 'content-type': 'application/merge-patch+json' };
    const r = await h.api.inject({
      method: 'PATCH',
      url: NODE,
      headers: merge,
      payload: { metadata: { labels: { disk: 'ssd' } } },
    });
    expect(r.statusCode).to.equal(200);
    await running('picky');
    await heartbeat();
    expect((await node()).metadata.labels).to.include({ disk: 'ssd', 'kubernetes.io/hostname': 'test-node' });
  });

  it('insufficient cpu: the pod runs once a pod holding the cpu is deleted', async () => {
    const cpu = (await node()).status.allocatable.cpu;
    await create('big', {}, { resources: { requests: { cpu } } });
    await running('big');
    const small = await create('small', {}, { resources: { requests: { cpu: '100m' } } });
    await waitingWith(
      'small',
      '1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
    expect(eventsOf(small, 'FailedScheduling')).to.have.length(1);
    const del = await h.api.inject({ method: 'DELETE', url: `${PODS}/big?gracePeriodSeconds=0` });
    expect(del.statusCode).to.equal(200);
    await running('small');
  });

  it('a pod that names its node skips the scheduler; an unbound pod is deleted at once', async () => {
    await patchNode({ spec: { unschedulable: true } });
    await create('pinned', { nodeName: 'test-node' });
    await running('pinned');
    await create('waiting');
    await waitingWith('waiting', 'were unschedulable');
    const del = await h.api.inject({ method: 'DELETE', url: `${PODS}/waiting` });
    expect(del.statusCode).to.equal(200);
    expect(h.pod('waiting')).to.equal(undefined);
  });

  it('validates taints as upstream and refuses to create or delete the node', async () => {
    const bad = await patchNode({ spec: { taints: [{ key: 'k', effect: 'Bad' }] } });
    expect(bad.statusCode).to.equal(422);
    expect(bad.body).to.include(
      'spec.taints[0].effect: Unsupported value: \\"Bad\\": supported values: \\"NoSchedule\\", \\"PreferNoSchedule\\", \\"NoExecute\\"',
    );
    const dup = await patchNode({
      spec: {
        taints: [
          { key: 'k', value: 'a', effect: 'NoSchedule' },
          { key: 'k', value: 'b', effect: 'NoSchedule' },
        ],
      },
    });
    expect(dup.statusCode).to.equal(422);
    expect(dup.body).to.include('taints must be unique by key and effect pair');
    const noKey = await patchNode({ spec: { taints: [{ key: 'bad key!', effect: 'NoSchedule' }] } });
    expect(noKey.statusCode).to.equal(422);
    expect(noKey.body).to.include('spec.taints[0].key: Invalid value: \\"bad key!\\"');
    // a timeAdded that is no time: the decoder's 400, nothing stored (clients decoding the Node would fail on it)
    const badTime = await patchNode({
      spec: { taints: [{ key: 'k', effect: 'NoExecute', timeAdded: 'garbage' }] },
    });
    expect(badTime.statusCode).to.equal(400);
    expect(badTime.body).to.include(
      'Node in version \\"v1\\" cannot be handled as a Node: parsing time \\"garbage\\" as \\"2006-01-02T15:04:05Z07:00\\"',
    );
    const badType = await patchNode({ spec: { taints: [{ key: 'k', effect: 'NoExecute', timeAdded: 5 }] } });
    expect(badType.statusCode).to.equal(400);
    expect((await h.api.inject({ method: 'DELETE', url: NODE })).statusCode).to.equal(405);
    const post = await h.api.inject({
      method: 'POST',
      url: '/api/v1/nodes',
      payload: { metadata: { name: 'x' } },
    });
    expect(post.statusCode).to.equal(405);
    expect((await node()).spec).to.deep.equal({});
  });
});

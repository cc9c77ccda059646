// The taint manager and the eviction API's DisruptionTarget in the whole agent (memory runtime, manual
// clock): a NoExecute taint written through the API deletes the pods that do not tolerate it, marked
// DisruptionTarget first with the TaintManagerEviction event; tolerationSeconds delays it; removing the taint
// calls a pending deletion off; an eviction marks its pod EvictionByEvictionAPI.
import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import type { Pod, PodCondition } from '../../../../agent/model/pod';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { Harness } from '../../../helpers/harness';

const NODE = '/api/v1/nodes/test-node';
const SMP = { 'content-type': 'application/strategic-merge-patch+json' };
const TAINT = { key: 'k', value: 'v', effect: 'NoExecute' };

describe('taint eviction and DisruptionTarget (memory runtime)', () => {
  let clock: ManualClock;
  let h: Harness;
  /** Every DisruptionTarget condition a pod was seen with, by pod name. */
  let targets: Map<string, PodCondition>;
  let unwatch: () => void;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
    targets = new Map();
    unwatch = h.pods.onChange(({ object }) => {
      const c = object.status.conditions?.find((x) => x.type === 'DisruptionTarget');
      if (c) targets.set(object.metadata.name, c);
    });
  });
  afterEach(async () => {
    unwatch();
    await h.stop();
  });

  const taint = (taints: object[]) =>
    h.api.inject({ method: 'PATCH', url: NODE, headers: SMP, payload: { spec: { taints } } });
  const run = async (name: string, tolerations?: object[]): Promise<Pod> => {
    await h.createPod({
      metadata: { name },
      spec: {
        containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1000'] }],
        ...(tolerations ? { tolerations } : {}),
      },
    });
    return h.waitFor(`${name} running`, () => h.pod(name)?.status.phase === 'Running' && h.pod(name));
  };
  const leaving = (name: string) =>
    h.waitFor(`${name} deleted`, () => !h.pod(name) || h.pod(name)?.metadata.deletionTimestamp !== undefined);
  const settle = () => new Promise((r) => setImmediate(r));
  const messages = (pod: Pod) =>
    h.events
      .list({ uid: pod.metadata.uid })
      .filter((e) => e.reason === 'TaintManagerEviction')
      .map((e) => e.message);

  it('deletes a pod that does not tolerate the taint, marked DisruptionTarget, with the event', async () => {
    const pod = await run('plain');
    const kept = await run('kept', [{ key: 'k', operator: 'Exists', effect: 'NoExecute' }]);
    expect((await taint([TAINT])).statusCode).to.equal(200);
    await leaving('plain');
    expect(targets.get('plain')).to.include({
      status: 'True',
      reason: 'DeletionByTaintManager',
      message: 'Taint manager: deleting due to NoExecute taint',
    });
    expect(messages(pod)).to.deep.equal(['Marking for deletion Pod default/plain']);
    await settle();
    expect(h.pod('kept')?.metadata.deletionTimestamp).to.equal(undefined);
    expect(targets.has('kept')).to.equal(false);
    expect(messages(kept)).to.deep.equal([]);
  });

  it('tolerationSeconds: deleted once they have passed since the taint came', async () => {
    await run('timed', [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]);
    await taint([TAINT]);
    await settle();
    clock.advance(59_000);
    await settle();
    expect(h.pod('timed')?.metadata.deletionTimestamp).to.equal(undefined);
    clock.advance(1_000);
    await leaving('timed');
    expect(targets.get('timed')?.reason).to.equal('DeletionByTaintManager');
  });

  it('removing the taint calls the pending deletion off', async () => {
    const pod = await run('timed', [{ key: 'k', operator: 'Exists', tolerationSeconds: 60 }]);
    await taint([TAINT]);
    await settle();
    clock.advance(30_000);
    await taint([]);
    await settle();
    clock.advance(60_000);
    await settle();
    expect(h.pod('timed')?.metadata.deletionTimestamp).to.equal(undefined);
    expect(messages(pod)).to.deep.equal(['Cancelling deletion of Pod default/timed']);
  });

  it('the eviction API marks the pod EvictionByEvictionAPI before it goes', async () => {
    await run('evicted');
    const res = await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/pods/evicted/eviction',
      payload: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evicted' } },
    });
    expect(res.statusCode).to.equal(201);
    await leaving('evicted');
    expect(targets.get('evicted')).to.include({
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'EvictionByEvictionAPI',
      message: 'Eviction API: evicting',
    });
  });

  it('a new pod tolerates not-ready and unreachable for 300s (DefaultTolerationSeconds)', async () => {
    const pod = await run('defaults');
    expect(pod.spec.tolerations).to.deep.equal([
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
    ]);
  });
});

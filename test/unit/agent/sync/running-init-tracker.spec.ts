import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import type { ContainerKind, ContainerSpec } from '../../../../agent/runtime/runtime';
import { RunningInitTracker } from '../../../../agent/sync/running-init-tracker';

describe('agent/sync/running-init-tracker', () => {
  const spec = (name: string, kind: ContainerKind = 'init', podUid = 'u1'): ContainerSpec => ({
    identity: { podUid, podName: 'p', podNamespace: 'default', kind, name, attempt: 0, specHash: '' },
    image: 'busybox',
    env: [],
    mounts: [],
  });
  let memory: MemoryRuntime;
  let tracker: RunningInitTracker;
  beforeEach(() => {
    memory = new MemoryRuntime(new ManualClock());
    tracker = new RunningInitTracker();
  });

  it('counts an init container as running from the moment its start is asked for', async () => {
    const rt = tracker.wrap(memory);
    const id = await rt.createContainer(spec('init-mydb'));
    const seen: (string | undefined)[] = [];
    const start = rt.startContainer(id);
    seen.push(tracker.runningInit('u1')); // before the engine answered
    await start;
    seen.push(tracker.runningInit('u1'), tracker.runningInit('other'));
    expect(seen).to.deep.equal(['init-mydb', 'init-mydb', undefined]);
  });

  it('a listing corrects it: an exited init container runs no more, an app container is no init', async () => {
    const rt = tracker.wrap(memory);
    const init = await rt.createContainer(spec('init1'));
    await rt.startContainer(init);
    memory.exit(init, 0);
    await rt.listContainers(); // all pods
    expect(tracker.runningInit('u1')).to.equal(undefined);
    await rt.startContainer(await rt.createContainer(spec('app', 'app')));
    await rt.listContainers('u1');
    expect(tracker.runningInit('u1')).to.equal(undefined);
  });

  it('a start that fails leaves it unknown; a restart adopted from a listing is known', async () => {
    const rt = tracker.wrap(memory);
    const id = await rt.createContainer(spec('init1'));
    memory.injectError('startContainer', new Error('boom'));
    await rt.startContainer(id).catch(() => undefined);
    expect(tracker.runningInit('u1')).to.equal(undefined);
    await memory.startContainer(id); // started by an earlier daemon, not through this tracker
    await tracker.wrap(memory).listContainers('u1');
    expect(tracker.runningInit('u1')).to.equal('init1');
  });
});

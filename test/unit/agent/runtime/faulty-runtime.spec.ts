import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { parseFault, withFault } from '../../../../agent/runtime/faulty-runtime';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import type { ContainerSpec } from '../../../../agent/runtime/runtime';

const spec = (name: string): ContainerSpec => ({
  identity: {
    podUid: 'u',
    podName: 'p',
    podNamespace: 'default',
    kind: 'app',
    name,
    attempt: 0,
    specHash: 'h',
    sandboxId: 's',
  },
  image: 'busybox',
  env: [],
  mounts: [],
});

describe('agent/runtime/faulty-runtime', () => {
  it('reads fault specs and refuses others', () => {
    expect(parseFault('after:createContainer:app')).to.deep.equal({
      when: 'after',
      method: 'createContainer',
      container: 'app',
    });
    expect(parseFault('before:createSandbox')).to.deep.equal({ when: 'before', method: 'createSandbox' });
    expect(parseFault('sometime:createSandbox')).to.equal(undefined);
    expect(parseFault('before:ping')).to.equal(undefined);
  });

  it('dies after the chosen call for the chosen container only, with the call done', async () => {
    const inner = new MemoryRuntime(new ManualClock());
    const deaths: string[] = [];
    const rt = withFault(inner, { when: 'after', method: 'createContainer', container: 'app' }, () =>
      deaths.push('dead'),
    );
    await rt.createContainer(spec('other'));
    expect(deaths).to.deep.equal([]);
    await rt.createContainer(spec('app'));
    expect(deaths).to.deep.equal(['dead']);
    expect(inner.calls).to.deep.equal(['createContainer other', 'createContainer app']);
  });

  it('dies before a start of the chosen container, before the call happens', async () => {
    const inner = new MemoryRuntime(new ManualClock());
    const rt = withFault(inner, { when: 'before', method: 'startContainer', container: 'app' }, () => {
      throw new Error('killed');
    });
    const id = await rt.createContainer(spec('app'));
    let err: unknown;
    await rt.startContainer(id).catch((e: unknown) => (err = e));
    expect(String(err)).to.contain('killed');
    expect(inner.containers.get(id)?.state).to.equal('created');
  });
});

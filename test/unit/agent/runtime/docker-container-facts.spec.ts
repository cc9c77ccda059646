import { expect } from 'chai';
import { ContainerFacts } from '../../../../agent/runtime/docker-container-facts';
import { identityLabels } from '../../../../agent/runtime/labels';
import type { ContainerIdentity } from '../../../../agent/runtime/runtime';

type Summary = Parameters<ContainerFacts['observed']>[0];

const identity: ContainerIdentity = {
  podUid: 'u1',
  podName: 'p',
  podNamespace: 'default',
  kind: 'init',
  name: 'init-myservice',
  attempt: 2,
  specHash: 'abcd1234',
  sandboxId: 'sb',
};
const labels = identityLabels(identity);
const summary = (id: string, State = 'exited', extra: Record<string, string> = {}): Summary =>
  ({
    Id: id,
    Image: 'sha256:ffff',
    ImageID: 'sha256:ffff',
    Labels: { ...labels, ...extra },
    State,
  }) as Summary;

describe('agent/runtime/docker-container-facts', () => {
  it('describes an exit from create, start, oom and die events', () => {
    const facts = new ContainerFacts();
    facts.record('create', 'c1', 1000, { image: 'busybox' });
    facts.record('start', 'c1', 1100, {});
    facts.record('oom', 'c1', 1190, {});
    facts.record('die', 'c1', 1200, { exitCode: '137' });
    // Also while the listing still says `running`: it lags the `die` event.
    expect(facts.observed(summary('c1', 'running'))).to.deep.equal(facts.observed(summary('c1')));
    expect(facts.observed(summary('c1'))).to.deep.equal({
      ...identity,
      id: 'c1',
      state: 'exited',
      exitCode: 137,
      oomKilled: true,
      createdAt: 1000,
      startedAt: 1100,
      finishedAt: 1200,
      image: 'busybox', // as created, even after the tag moved (the listing then shows the image id)
      imageId: 'sha256:ffff',
    });
  });

  it('describes a started container as running while the listing agrees, but not a sandbox (its IP)', () => {
    const facts = new ContainerFacts();
    facts.record('create', 'c2', 1000, { image: 'busybox' });
    facts.record('start', 'c2', 1100, {});
    const running = facts.observed(summary('c2', 'running'));
    expect(running).to.include({ state: 'running', exitCode: 0, startedAt: 1100 });
    expect(running).to.not.have.property('finishedAt');
    // The listing knows of an exit whose event has not come yet: inspect.
    expect(facts.observed(summary('c2', 'exited'))).to.equal(undefined);
    const sandbox = { 'io.kubernetes.docker.type': 'podsandbox' };
    expect(facts.observed(summary('c2', 'running', sandbox))).to.equal(undefined);
  });

  it('tells nothing when an event is missing or unreadable: the adapter inspects then', () => {
    const facts = new ContainerFacts();
    facts.record('start', 'seen-late', 1100, {}); // created before the stream was watched
    facts.record('die', 'seen-late', 1200, { exitCode: '0' });
    facts.record('create', 'no-code', 1000, {});
    facts.record('start', 'no-code', 1100, {});
    facts.record('die', 'no-code', 1200, {});
    facts.record('create', 'gone', 1000, {});
    facts.record('start', 'gone', 1100, {});
    facts.record('die', 'gone', 1200, { exitCode: '1' });
    facts.record('destroy', 'gone', 1300, {});
    facts.record('create', 'restarted', 1000, {});
    facts.record('start', 'restarted', 1100, {});
    facts.record('die', 'restarted', 1200, { exitCode: '1' });
    facts.record('start', 'restarted', 1300, {}); // `docker start` by hand: running again
    for (const id of ['seen-late', 'no-code', 'gone', 'restarted', 'never'])
      expect(facts.observed(summary(id)), id).to.equal(undefined);
  });

  it('forgets everything past its bound rather than grow', () => {
    const facts = new ContainerFacts(2);
    for (const id of ['a', 'b', 'c']) {
      facts.record('create', id, 1000, {});
      facts.record('start', id, 1100, {});
      facts.record('die', id, 1200, { exitCode: '0' });
    }
    expect(['a', 'b', 'c'].map((id) => facts.observed(summary(id))?.id)).to.deep.equal([
      undefined,
      undefined,
      'c',
    ]);
  });
});

import { expect } from 'chai';
import { SANDBOX_POD_LABELS_MAX_CHARS, sandboxPodLabels } from '../../../../agent/runtime/labels';

describe('agent/runtime/labels', () => {
  it('copies pod labels onto the sandbox while they are small', () => {
    expect(sandboxPodLabels({ app: 'web', tier: 'front' })).to.deep.equal({ app: 'web', tier: 'front' });
    const edge = { k: 'v'.repeat(SANDBOX_POD_LABELS_MAX_CHARS - 1) };
    expect(sandboxPodLabels(edge)).to.equal(edge);
  });

  it('copies none when they would make the engine refuse the request (60 000 labels)', () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 60_000; i++) many[`label-${i}`] = `value-${i}`;
    expect(sandboxPodLabels(many)).to.deep.equal({});
    expect(sandboxPodLabels({ k: 'v'.repeat(SANDBOX_POD_LABELS_MAX_CHARS) })).to.deep.equal({});
  });
});

import { expect } from 'chai';
import { errorCode } from '../../../../agent/errors';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../../../agent/model/patch';
import { applyPatch } from '../../../../api/patching';

describe('agent/model/patch', () => {
  const pod = {
    metadata: { labels: { a: '1', b: '2' } },
    spec: {
      containers: [
        { name: 'x', image: 'i1', env: [{ name: 'E', value: '1' }] },
        { name: 'y', image: 'i2' },
      ],
    },
  };

  it('merge patch (RFC 7386) replaces lists and deletes with null', () => {
    expect(mergePatch(pod, { metadata: { labels: { a: null, c: '3' } } })).to.deep.equal({
      ...pod,
      metadata: { labels: { b: '2', c: '3' } },
    });
    expect(
      (mergePatch(pod, { spec: { containers: [{ name: 'y', image: 'new' }] } }) as typeof pod).spec
        .containers,
    ).to.deep.equal([{ name: 'y', image: 'new' }]);
  });

  it('strategic merge patch merges containers by name, as kubectl set image sends it', () => {
    const out = strategicMergePatch(pod, {
      spec: { containers: [{ name: 'y', image: 'new' }] },
    }) as typeof pod;
    expect(out.spec.containers).to.deep.equal([pod.spec.containers[0], { name: 'y', image: 'new' }]);
  });

  it('strategic merge patch honours $patch: delete and ignores $setElementOrder', () => {
    const out = strategicMergePatch(pod, {
      spec: {
        $setElementOrder_: 1,
        containers: [{ name: 'x', $patch: 'delete' }],
        '$setElementOrder/containers': [{ name: 'y' }],
      },
    }) as typeof pod;
    expect(out.spec.containers.map((c) => c.name)).to.deep.equal(['y']);
  });

  it('JSON patch (RFC 6902) adds, replaces, removes and tests', () => {
    const out = jsonPatch(pod, [
      { op: 'replace', path: '/spec/containers/1/image', value: 'new' },
      { op: 'add', path: '/metadata/labels/c', value: '3' },
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'test', path: '/spec/containers/0/name', value: 'x' },
    ]) as typeof pod;
    expect(out.spec.containers[1]?.image).to.equal('new');
    expect(out.metadata.labels).to.deep.equal({ b: '2', c: '3' });
    expect(pod.spec.containers[1]?.image).to.equal('i2'); // the original is untouched
  });

  it('refuses a failed test, a bad path and an unknown patch type by code', () => {
    expect(() => jsonPatch(pod, [{ op: 'test', path: '/spec/containers/0/name', value: 'z' }]))
      .to.throw()
      .that.satisfies((e: unknown) => errorCode(e) === 'Invalid');
    expect(() => jsonPatch(pod, [{ op: 'remove', path: '/nope/deeper' }]))
      .to.throw()
      .that.satisfies((e: unknown) => errorCode(e) === 'Invalid');
    expect(() => applyPatch('application/xml', pod, {}))
      .to.throw()
      .that.satisfies((e: unknown) => errorCode(e) === 'UnsupportedMediaType');
  });
});

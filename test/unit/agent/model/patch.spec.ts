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

  it('JSON patch: more than 10000 operations is 413 RequestEntityTooLarge, worded as upstream', () => {
    const op = { op: 'test', path: '/metadata/labels/a', value: '1' };
    expect(
      jsonPatch(
        pod,
        Array.from({ length: 10000 }, () => op),
      ),
    ).to.deep.equal(pod);
    const tooMany = (): unknown =>
      jsonPatch(
        pod,
        Array.from({ length: 10001 }, () => op),
      );
    expect(tooMany)
      .to.throw(
        'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
      )
      .that.satisfies((e: unknown) => errorCode(e) === 'RequestEntityTooLarge');
  });

  it('JSON patch: copies may add 3 MiB at most (upstream JSONPatchMaxCopyBytes), a 422 past it', () => {
    const doubling = [
      { op: 'add', path: '/a', value: ['x'.repeat(1000)] },
      ...Array.from({ length: 12 }, () => ({ op: 'copy', from: '/a', path: '/a/-' })),
    ];
    // each copy adds the array (its JSON size) to itself: 1004 + 2009 + ... bytes, past 3 MiB at the 12th
    expect(() => jsonPatch({}, doubling.slice(0, 12))).to.not.throw();
    expect(() => jsonPatch({}, doubling))
      .to.throw(
        /^Unable to complete the copy, the accumulated size increase of copy is \d+, exceeding the limit 3145728$/,
      )
      .that.satisfies((e: unknown) => errorCode(e) === 'Invalid');
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

// The image-pull part's engine times: image pull events by reference (with and without the tag), and only
// the named pod's container creates and starts.
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { PullTimeline } from '../../../bench/pull-timeline';

const event = (e: object): string => `${JSON.stringify(e)}\n`;
const container = (action: string, pod: string, name: string, ns: number): string =>
  event({
    Type: 'container',
    Action: action,
    timeNano: ns,
    Actor: { ID: 'c1', Attributes: { 'io.kubernetes.pod.name': pod, 'io.kubernetes.container.name': name } },
  });

describe('bench: PullTimeline (the engine times of a cold start)', () => {
  it("keeps each image's pull time and the pod's own creates and starts, in wall-clock ms", () => {
    const s = new PassThrough();
    const t = new PullTimeline(s, 'mkb-pull-1');
    const ref = '127.0.0.1:5000/mkb/pull-a';
    s.write(
      event({
        Type: 'image',
        Action: 'pull',
        timeNano: 2_500_000,
        Actor: { ID: `${ref}:v1`, Attributes: { name: ref } },
      }),
    );
    s.write(container('create', 'mkb-pull-1', 'init1', 3_000_000));
    s.write(container('create', 'other', 'init1', 9_000_000));
    s.write(container('start', 'mkb-pull-1', 'init1', 4_000_000));
    expect(t.pulled.get(`${ref}:v1`)).to.equal(2.5);
    expect(t.pulled.get(ref)).to.equal(2.5);
    expect(t.created.get('init1')).to.equal(3);
    expect(t.started.get('init1')).to.equal(4);
    expect(t.created.size).to.equal(1);
    t.close();
  });
});

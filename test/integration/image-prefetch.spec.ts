// Early image pulls on the real engine, from Debian's docker-registry on loopback: a pod with three images of
// its own (init1, init2, app; a random layer each, removed locally first) pulls them concurrently with the
// default --image-prefetch (the engine's pulls overlap in time) and one after another with
// --image-prefetch 0; either way each container says Pulling and Successfully pulled at its turn, in the
// kubelet's order, and the pod runs.
import { expect } from 'chai';
import Docker from 'dockerode';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import type { ImageInfo, PullOptions } from '../../agent/runtime/runtime';
import { LoopbackRegistry, removeImages } from '../../bench/loopback-registry';
import { Harness } from '../helpers/harness';

const LAYER_MB = 16;
const NAMES = ['init1', 'init2', 'app'] as const;

/** The real runtime, noting when each pull the engine made began and ended. */
class TimedPulls extends DockerRuntime {
  readonly pulls = new Map<string, { from: number; to: number }>();
  override async ensureImage(
    ref: string,
    pull: 'always' | 'if-missing' | 'never',
    options: PullOptions = {},
  ): Promise<ImageInfo> {
    let from: number | undefined;
    const onPull = (): void => {
      from = performance.now();
      options.onPull?.();
    };
    const got = await super.ensureImage(ref, pull, { ...options, onPull });
    if (from !== undefined) this.pulls.set(ref, { from, to: performance.now() });
    return got;
  }
}

describe('early image pulls from a loopback registry (real engine)', function () {
  this.timeout(180_000);
  const docker = new Docker();
  let registry: LoopbackRegistry;
  let images: string[];

  before(async function () {
    try {
      registry = await LoopbackRegistry.start(docker);
    } catch (err) {
      console.log(`    skipped: ${String(err)}`);
      this.skip();
    }
    images = [];
    for (const x of ['a', 'b', 'c']) {
      const ref = await registry.build('busybox:latest', `mk/early-${x}`, 'v1', LAYER_MB);
      await registry.push(ref, ref);
      images.push(ref);
    }
  });
  after(async () => {
    await removeImages(docker, images ?? []);
    await registry?.stop();
  });

  const startPod = async (prefetch: string): Promise<{ h: Harness; rt: TimedPulls }> => {
    await removeImages(docker, images); // every pull cold
    const rt = new TimedPulls({ logger: nopLogger });
    const h = await new Harness({ runtime: rt, flags: ['--image-prefetch', prefetch] }).start();
    const [a, b, c] = images;
    await h.createPod({
      metadata: { name: 'three-images' },
      spec: {
        initContainers: [
          { name: 'init1', image: a, command: ['true'] },
          { name: 'init2', image: b, command: ['true'] },
        ],
        containers: [{ name: 'app', image: c, command: ['sleep', '3600'] }],
      },
    });
    await h.waitFor('Running', () => h.pod('three-images')?.status.phase === 'Running', 90_000);
    return { h, rt };
  };

  /** Each container's events, in order, without the pull's time. */
  const turns = (h: Harness): string[][] => {
    const uid = h.pod('three-images')?.metadata.uid ?? '';
    const all = h.events.list({ uid });
    return NAMES.map((n) =>
      all
        .filter((e) => e.involvedObject.fieldPath?.endsWith(`{${n}}`))
        .map(
          (e) =>
            `${e.reason} ${e.message.replace(/ in \S+ \(\S+ including waiting\)\. Image size: \d+ bytes\./, '')}`,
        ),
    );
  };
  const expected = (): string[][] =>
    NAMES.map((n, i) => [
      `Pulling Pulling image "${images[i]}"`,
      `Pulled Successfully pulled image "${images[i]}"`,
      `Created Created container ${n}`,
      `Started Started container ${n}`,
    ]);
  const windows = (rt: TimedPulls): { from: number; to: number }[] =>
    images.map((ref) => {
      const w = rt.pulls.get(ref);
      expect(w, `${ref} pulled`).to.not.equal(undefined);
      return w!;
    });

  it('--image-prefetch 0: the three pulls one after another, each at its turn', async () => {
    const { h, rt } = await startPod('0');
    try {
      expect(turns(h)).to.deep.equal(expected());
      const [a, b, c] = windows(rt);
      expect(b!.from, 'b after a').to.be.at.least(a!.to);
      expect(c!.from, 'c after b').to.be.at.least(b!.to);
    } finally {
      await h.stop();
    }
  });

  it('default: the three pulls overlap, the events and their order are the same, the pod runs', async () => {
    const { h, rt } = await startPod('3');
    try {
      expect(turns(h)).to.deep.equal(expected());
      const w = windows(rt);
      const lastStart = Math.max(...w.map((x) => x.from));
      const firstEnd = Math.min(...w.map((x) => x.to));
      expect(lastStart, 'every pull began before any ended').to.be.below(firstEnd);
      const ms = w.map((x) => Math.round(x.to - x.from));
      console.log(
        `      pulls took ${ms.join(', ')} ms, begun within ${Math.round(lastStart - Math.min(...w.map((x) => x.from)))} ms`,
      );
    } finally {
      await h.stop();
    }
  });
});

import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../../agent/clock';
import { nopLogger } from '../../../../agent/log';
import type { Pod } from '../../../../agent/model/pod';
import { MemoryRuntime } from '../../../../agent/runtime/memory-runtime';
import { PodFiles } from '../../../../agent/sync/pod-files';
import { PodVolumes } from '../../../../agent/sync/pod-volumes';
import { noConfigObjects } from '../../../../agent/volumes/config-source';
import type { Tmpfs } from '../../../../agent/volumes/tmpfs';

/** A tmpfs whose mount and unmount answer only when the test says so. */
class HeldTmpfs implements Tmpfs {
  readonly mounts: { dir: string; answer: (ok: boolean) => void }[] = [];
  readonly unmounts: { dir: string; done: () => void }[] = [];
  mount(dir: string): Promise<boolean> {
    return new Promise((answer) => this.mounts.push({ dir, answer }));
  }
  unmountUnder(dir: string): Promise<void> {
    return new Promise((done) => this.unmounts.push({ dir, done }));
  }
  isMounted = (): boolean => false;
}

const pod: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', uid: 'u1' },
  spec: {
    containers: [{ name: 'app', image: 'busybox' }],
    volumes: [
      {
        name: 'info',
        projected: {
          sources: [{ downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }],
        },
      },
    ],
  },
} as Pod;

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('PodVolumes: memory-backed volumes', () => {
  let dataDir: string;
  let tmpfs: HeldTmpfs;
  let volumes: PodVolumes;
  const volumeDir = (): string => join(dataDir, 'pods', 'u1', 'volumes', 'kubernetes.io~projected', 'info');

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'mk-podvolumes-'));
    tmpfs = new HeldTmpfs();
    const clock = new ManualClock(0);
    volumes = new PodVolumes({
      files: new PodFiles(dataDir),
      runtime: new MemoryRuntime(clock),
      config: noConfigObjects,
      node: { cpuCores: 2, memoryBytes: 2 ** 30 },
      tmpfs,
      clock,
      logger: nopLogger,
    });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes the files only once the tmpfs is mounted, without blocking while mount(8) runs', async () => {
    const setUp = volumes.setUp(pod);
    await tick();
    expect(tmpfs.mounts.map((m) => m.dir)).to.deep.equal([volumeDir()]);
    expect(existsSync(join(volumeDir(), 'name')), 'written before the mount').to.equal(false);
    tmpfs.mounts[0]?.answer(true);
    expect(await setUp).to.equal(undefined);
    expect(readFileSync(join(volumeDir(), 'name'), 'utf8')).to.equal('p');
  });

  it('still writes the volume, on the disk, when mounting is not permitted', async () => {
    const setUp = volumes.setUp(pod);
    await tick();
    tmpfs.mounts[0]?.answer(false);
    expect(await setUp).to.equal(undefined);
    expect(readFileSync(join(volumeDir(), 'name'), 'utf8')).to.equal('p');
  });

  it('tears down only after the unmount has finished', async () => {
    const setUp = volumes.setUp(pod);
    await tick();
    tmpfs.mounts[0]?.answer(true);
    await setUp;
    let done = false;
    const tearDown = volumes.tearDown('u1').then(() => (done = true));
    await tick();
    expect(tmpfs.unmounts.map((u) => u.dir)).to.deep.equal([join(dataDir, 'pods', 'u1')]);
    expect(done).to.equal(false);
    tmpfs.unmounts[0]?.done();
    await tearDown;
    expect(done).to.equal(true);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ManualClock, systemClock } from '../../../../agent/clock';
import { capturingLogger } from '../../../../agent/log';
import type { ManifestText } from '../../../../agent/staticpods/manifest';
import { ManifestWatcher } from '../../../../agent/staticpods/manifest-watcher';

describe('agent/staticpods/ManifestWatcher', () => {
  let root: string;
  let watcher: ManifestWatcher | undefined;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'mk-watch-'));
  });
  afterEach(() => {
    watcher?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const names = (files: ManifestText[]): string[] => files.map((f) => f.path.slice(root.length + 1));

  it('scans at start, then soon after a change (fs.watch), skipping dot files and directories', async () => {
    writeFileSync(join(root, 'a.yaml'), 'a');
    writeFileSync(join(root, '.a.yaml.swp'), 'x');
    mkdirSync(join(root, 'sub'));
    const scans: string[][] = [];
    watcher = new ManifestWatcher({
      dir: root,
      clock: systemClock,
      logger: capturingLogger(),
      rescanMs: 600_000, // only fs.watch can see the change within the test
      onScan: (files) => scans.push(names(files)),
    });
    watcher.start();
    expect(scans).to.deep.equal([['a.yaml']]);
    writeFileSync(join(root, 'b.json'), '{}');
    const deadline = Date.now() + 3_000;
    while (scans.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(scans.at(-1)).to.deep.equal(['a.yaml', 'b.json']);
  });

  it('a missing directory: no files, one warning, and the rescan finds it once it exists', () => {
    const clock = new ManualClock();
    const logger = capturingLogger();
    const dir = join(root, 'later');
    const scans: string[][] = [];
    watcher = new ManifestWatcher({
      dir,
      clock,
      logger,
      rescanMs: 20_000,
      onScan: (files) => scans.push(files.map((f) => f.text)),
    });
    watcher.start();
    clock.advance(20_000);
    mkdirSync(dir);
    writeFileSync(join(dir, 'p.yaml'), 'p');
    clock.advance(20_000);
    expect(scans).to.deep.equal([[], [], ['p']]);
    expect(logger.records.filter((r) => r.message === 'unable to read the pod manifest path')).to.have.length(
      1,
    );
  });
});

// subPath pinning as the kubelet does it: what was checked is bind-mounted from its open descriptor onto a
// path under the pod's directory, so a symlink swapped into the volume after the check cannot redirect it.
// Real mounts: needs root (the daemon runs as root; `npm test` does too).
import { expect } from 'chai';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinSubPath, resolveSubPath } from '../../../../agent/volumes/subpath';
import { hostSubPathMounter as mounter } from '../../../../agent/volumes/subpath-mounter';

describe('volumes/subpath pinning (bind mounts, root)', function () {
  let base: string;
  let root: string;
  let pins: string;
  before(function () {
    if (process.getuid?.() !== 0) this.skip();
  });
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'mk-subpin-'));
    root = join(base, 'volume');
    pins = join(base, 'pod', 'volume-subpaths');
    mkdirSync(join(root, 'conf'), { recursive: true });
    writeFileSync(join(root, 'conf', 'app.conf'), 'inside');
    mkdirSync(join(base, 'outside'));
    writeFileSync(join(base, 'outside', 'app.conf'), 'HOST SECRET');
  });
  afterEach(() => {
    mounter.unmountUnder(pins);
    rmSync(base, { recursive: true, force: true });
  });

  /** After the check, an attacker in the pod replaces `conf` with a symlink to a host directory. */
  const swapToSymlink = (): void => {
    renameSync(join(root, 'conf'), join(root, 'conf-old'));
    symlinkSync(join(base, 'outside'), join(root, 'conf'));
  };

  it('a directory: the pinned mount still shows the checked directory after a symlink is swapped in', () => {
    const pinned = join(pins, 'v', 'app', '0');
    expect(pinSubPath(root, 'conf', pinned, mounter)).to.equal(true);
    expect(mounter.isMounted(pinned)).to.equal(true);
    swapToSymlink();
    expect(readFileSync(join(pinned, 'app.conf'), 'utf8')).to.equal('inside');
    // What giving the engine the checked path (before pinning) would have mounted now:
    expect(readFileSync(join(root, 'conf', 'app.conf'), 'utf8')).to.equal('HOST SECRET');
  });

  it('a file: pinned onto a file, unaffected by a swap of its parent', () => {
    const pinned = join(pins, 'v', 'app', '1');
    expect(pinSubPath(root, 'conf/app.conf', pinned, mounter)).to.equal(true);
    swapToSymlink();
    expect(readFileSync(pinned, 'utf8')).to.equal('inside');
  });

  it('refuses a symlink planted before the check (nothing mounted), as resolveSubPath does', () => {
    swapToSymlink();
    const pinned = join(pins, 'v', 'app', '0');
    expect(() => pinSubPath(root, 'conf', pinned, mounter)).to.throw(/outside of allowed base/);
    expect(() => resolveSubPath(root, 'conf')).to.throw(/outside of allowed base/);
    expect(mounter.isMounted(pinned)).to.equal(false);
  });

  it('replaces the pin of an earlier start, and unmountUnder leaves nothing mounted (teardown)', () => {
    const pinned = join(pins, 'v', 'app', '0');
    pinSubPath(root, 'conf', pinned, mounter);
    mkdirSync(join(root, 'other'));
    writeFileSync(join(root, 'other', 'x'), 'x');
    expect(pinSubPath(root, 'other', pinned, mounter)).to.equal(true);
    expect(readdirSync(pinned)).to.deep.equal(['x']);
    mounter.unmountUnder(pins);
    expect(mounter.isMounted(pinned)).to.equal(false);
    expect(readdirSync(pinned)).to.deep.equal([]);
  });
});

// subPath resolution inside a volume: created when missing, refused when any path (symlinks included)
// leads outside the volume, as the kubelet's makeMounts and pkg/volume/util/subpath do.
import { expect } from 'chai';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkSubPath,
  expandSubPathExpr,
  resolveSubPath,
  safeMakeDir,
} from '../../../../agent/volumes/subpath';

describe('volumes/subpath', () => {
  let base: string;
  let root: string;
  let outside: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'mk-subpath-'));
    root = join(base, 'volume');
    outside = join(base, 'outside');
    mkdirSync(root, { mode: 0o777 });
    chmodSync(root, 0o777);
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret'), 'host file');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  describe('expandSubPathExpr', () => {
    const env = new Map([
      ['POD_NAME', 'web-1'],
      ['EMPTY', ''],
    ]);
    it('expands $(VAR) from the env and keeps $$ as one $', () => {
      expect(expandSubPathExpr('logs/$(POD_NAME)', env)).to.equal('logs/web-1');
      expect(expandSubPathExpr('a$$(POD_NAME)', env)).to.equal('a$(POD_NAME)');
    });
    it('fails naming every unset or empty variable, as the kubelet', () => {
      expect(() => expandSubPathExpr('$(B)/$(A)/$(EMPTY)', env)).to.throw('missing value for A, B, EMPTY');
    });
  });

  it('checkSubPath refuses absolute paths and .. with the kubelet words', () => {
    expect(() => checkSubPath('/etc')).to.throw('error SubPath `/etc` must not be an absolute path');
    expect(() => checkSubPath('a/../../etc')).to.throw(
      "unable to provision SubPath `a/../../etc`: must not contain '..'",
    );
    expect(() => checkSubPath('a/..b/c')).to.not.throw();
  });

  it('creates a missing subPath with the volume root mode and resolves it inside the volume', () => {
    safeMakeDir(root, 'a/b/c');
    expect(statSync(join(root, 'a/b/c')).mode & 0o777).to.equal(0o777);
    expect(resolveSubPath(root, 'a/b/c')).to.equal(join(root, 'a/b/c'));
    expect(resolveSubPath(root, './a//b')).to.equal(join(root, 'a/b'));
  });

  it('resolves a file and a symlink that stays inside the volume', () => {
    mkdirSync(join(root, 'real'));
    writeFileSync(join(root, 'real/f'), 'x');
    symlinkSync('real', join(root, 'link'));
    expect(resolveSubPath(root, 'link/f')).to.equal(join(root, 'real/f'));
  });

  it('refuses an absolute symlink to a host directory (an init container could plant it)', () => {
    symlinkSync(outside, join(root, 'evil'));
    safeMakeDir(root, 'evil'); // exists (through the link): nothing to create
    expect(() => resolveSubPath(root, 'evil')).to.throw('outside of allowed base');
    expect(() => resolveSubPath(root, 'evil/secret')).to.throw('outside of allowed base');
  });

  it('refuses a relative symlink that climbs out, and creates nothing through it', () => {
    symlinkSync('../outside', join(root, 'up'));
    expect(() => resolveSubPath(root, 'up')).to.throw('outside of allowed base');
    expect(() => safeMakeDir(root, 'up/new/dir')).to.throw('outside of allowed base');
    expect(existsSync(join(outside, 'new'))).to.equal(false);
  });

  it('refuses a dangling symlink that points outside, creating nothing there', () => {
    symlinkSync(join(outside, 'made-by-kubelet'), join(root, 'dangling'));
    expect(() => safeMakeDir(root, 'dangling')).to.throw();
    expect(() => resolveSubPath(root, 'dangling')).to.throw();
    expect(existsSync(join(outside, 'made-by-kubelet'))).to.equal(false);
  });

  it('refuses a subPath of the volume root that is itself a symlink chain leading out', () => {
    mkdirSync(join(root, 'd'));
    symlinkSync('/etc', join(root, 'd/etc'));
    expect(() => resolveSubPath(root, 'd/etc/passwd')).to.throw('outside of allowed base');
  });
});

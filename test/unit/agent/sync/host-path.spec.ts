import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareHostPath } from '../../../../agent/sync/host-path';

describe('agent/sync/host-path', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mk-hostpath-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a missing directory for DirectoryOrCreate and a missing file for FileOrCreate', () => {
    prepareHostPath(join(dir, 'a/b'), 'DirectoryOrCreate');
    expect(statSync(join(dir, 'a/b')).isDirectory()).to.equal(true);
    prepareHostPath(join(dir, 'f'), 'FileOrCreate');
    expect(statSync(join(dir, 'f')).isFile()).to.equal(true);
  });

  it('checks Directory and File, naming what is wrong', () => {
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => prepareHostPath(join(dir, 'nope'), 'Directory')).to.throw(
      `hostPath type check failed: ${dir}/nope does not exist`,
    );
    expect(() => prepareHostPath(join(dir, 'file'), 'Directory')).to.throw('is not a directory');
    expect(() => prepareHostPath(dir, 'File')).to.throw('is not a file');
    expect(() => prepareHostPath(join(dir, 'file'), 'Socket')).to.throw('is not a socket');
    prepareHostPath(dir, 'Directory');
    prepareHostPath(join(dir, 'file'), 'File');
  });

  it('checks nothing and creates nothing without a type', () => {
    prepareHostPath(join(dir, 'missing'));
    expect(existsSync(join(dir, 'missing'))).to.equal(false);
  });
});

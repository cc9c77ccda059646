import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { KEY_FILE, SEALED_PREFIX, SecretCipher } from '../../../../agent/store/secret-cipher';

describe('agent/store/secret-cipher', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mk-cipher-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a key (mode 0600) at first use and keeps it', () => {
    const a = SecretCipher.forDataDir(dir);
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).to.equal(0o600);
    const sealed = a.seal('v', 'Secret/ns/x');
    expect(sealed.startsWith(`${SEALED_PREFIX}${a.primaryKeyId}:`)).to.equal(true);
    expect(SecretCipher.forDataDir(dir).open(sealed, 'Secret/ns/x')).to.equal('v');
  });

  it('seals the same text differently each time, and opens only for the row it was sealed for', () => {
    const c = SecretCipher.forDataDir(dir);
    expect(c.seal('v', 'Secret/ns/x')).to.not.equal(c.seal('v', 'Secret/ns/x'));
    expect(() => c.open(c.seal('v', 'Secret/ns/x'), 'Secret/ns/y')).to.throw(/cannot decrypt/);
  });

  it('opens rows of an older key until the old keys are dropped', () => {
    const c = SecretCipher.forDataDir(dir);
    const old = c.seal('v', 'ctx');
    const first = c.primaryKeyId;
    c.addPrimaryKey();
    expect(c.keyIds).to.have.length(2);
    expect(c.open(old, 'ctx')).to.equal('v');
    expect(c.dropOldKeys()).to.deep.equal([first]);
    expect(() => c.open(old, 'ctx')).to.throw(`encryption key ${first} is not in ${KEY_FILE}`);
  });

  it('passes bodies written before encryption through', () => {
    expect(SecretCipher.forDataDir(dir).open('{"kind":"Secret"}', 'ctx')).to.equal('{"kind":"Secret"}');
  });
});

import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('test/fixtures', () => {
  const shared = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures');
  for (const name of ['initc-demo.yaml', 'myservice.yaml', 'mydb.yaml']) {
    it(`${name} is a verbatim copy of the tutorial's manifest`, function () {
      if (!existsSync(shared)) this.skip();
      const copy = readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', name), 'utf8');
      expect(copy).to.equal(readFileSync(join(shared, name), 'utf8'));
    });
  }
});

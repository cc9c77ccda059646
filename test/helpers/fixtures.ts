// The tutorial's manifests. Tests read them as they are: from ../shared/fixtures beside the repository
// when present (CI lays it there), else from the verbatim copies in test/fixtures.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');
const PLACES = [join(REPO, '..', 'shared', 'fixtures'), join(REPO, 'test', 'fixtures')];

export function fixturePath(name: string): string {
  const found = PLACES.map((dir) => join(dir, name)).find((p) => existsSync(p));
  if (!found) throw new Error(`fixture ${name} not found in ${PLACES.join(' or ')}`);
  return found;
}

export const fixture = (name: string): string => readFileSync(fixturePath(name), 'utf8');

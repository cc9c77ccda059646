// One JSON file per object under <data-dir>/objects/<kind>/, written atomically (temp file, fsync, rename),
// so an acknowledged write survives a crash.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log';
import type { Persistence, StoredObject } from './object-store';
import { errorMessage } from '../errors';

export class FilePersistence implements Persistence {
  constructor(
    private readonly dir: string,
    private readonly logger: Logger,
  ) {}

  private kindDir(kind: string): string {
    const d = join(this.dir, 'objects', kind.toLowerCase());
    mkdirSync(d, { recursive: true, mode: 0o700 });
    return d;
  }

  private file(kind: string, obj: StoredObject): string {
    // Namespaces and names are validated DNS-1123 strings: safe as file names.
    return join(this.kindDir(kind), `${obj.metadata.namespace}_${obj.metadata.name}.json`);
  }

  load(kind: string): StoredObject[] {
    const d = this.kindDir(kind);
    const out: StoredObject[] = [];
    for (const f of readdirSync(d).filter((n) => n.endsWith('.json'))) {
      try {
        out.push(JSON.parse(readFileSync(join(d, f), 'utf8')) as StoredObject);
      } catch (err) {
        this.logger.warn('skipping unreadable stored object', { file: f, error: errorMessage(err) });
      }
    }
    return out;
  }

  save(kind: string, obj: StoredObject): void {
    const target = this.file(kind, obj);
    const tmp = `${target}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(obj));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  }

  remove(kind: string, obj: StoredObject): void {
    rmSync(this.file(kind, obj), { force: true });
  }
}

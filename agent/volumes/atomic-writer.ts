// Upstream's AtomicWriter (pkg/volume/util/atomic_writer.go): a volume's files are written into a new
// timestamped directory `..<timestamp>`, then the `..data` symlink is pointed at it with one rename(2), so a
// reader sees either the old set or the new one, never a mix. The names users see are symlinks into
// `..data` (`key -> ..data/key`), made once per top-level name; the set before goes at the next write.
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { MiniKubeletError } from '../errors';

export interface FileProjection {
  data: Buffer;
  /** Permission bits (0644 unless the volume says otherwise). */
  mode: number;
}

/** Relative file path -> content and mode. */
export type Payload = ReadonlyMap<string, FileProjection>;

const DATA = '..data';
const DATA_TMP = '..data_tmp';

/** `..2026_12_06_07_31_34.` as Go formats `..2006_01_02_15_04_05.`; mkdtemp adds the random tail. */
function stampPrefix(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(
    now.getUTCHours(),
  )}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

/** validatePayload: relative, no `..` component, not starting with `..`. */
function checkPath(path: string): void {
  if (path === '' || path.startsWith('/') || path.split('/').includes('..') || path.startsWith('..'))
    throw new MiniKubeletError('InternalError', `invalid file path in a volume: ${JSON.stringify(path)}`);
}

const topLevel = (path: string): string => path.split('/')[0] ?? path;

export class AtomicWriter {
  constructor(
    private readonly targetDir: string,
    private readonly now: () => Date,
  ) {}

  /** The directory `..data` points at now, or undefined before the first write. */
  private current(): string | undefined {
    try {
      return readlinkSync(join(this.targetDir, DATA));
    } catch {
      return undefined;
    }
  }

  /** True when the files under `..data` are exactly the payload (content and mode). */
  private same(dir: string, payload: Payload): boolean {
    const root = join(this.targetDir, dir);
    const found = listFiles(root);
    if (found.length !== payload.size) return false;
    for (const rel of found) {
      const want = payload.get(rel);
      if (!want) return false;
      const file = join(root, rel);
      if ((statSync(file).mode & 0o7777) !== want.mode || !readFileSync(file).equals(want.data)) return false;
    }
    return true;
  }

  /** Makes the volume show exactly `payload`; returns false when it already did (nothing written). */
  write(payload: Payload): boolean {
    for (const path of payload.keys()) checkPath(path);
    mkdirSync(this.targetDir, { recursive: true, mode: 0o755 });
    const old = this.current();
    if (old !== undefined && this.same(old, payload)) return false;
    const fresh = mkdtempSync(join(this.targetDir, stampPrefix(this.now())));
    chmodSync(fresh, 0o755);
    for (const [path, file] of payload) {
      const full = join(fresh, path);
      mkdirSync(dirname(full), { recursive: true, mode: 0o755 });
      writeFileSync(full, file.data, { mode: file.mode });
      chmodSync(full, file.mode); // writeFileSync's mode went through the umask
    }
    const tmp = join(this.targetDir, DATA_TMP);
    rmSync(tmp, { force: true });
    symlinkSync(fresh.slice(this.targetDir.length + 1), tmp);
    renameSync(tmp, join(this.targetDir, DATA)); // the one atomic step
    this.linkUserNames(payload);
    this.removeOldSets(fresh.slice(this.targetDir.length + 1), old);
    return true;
  }

  /**
   * Removes every earlier timestamped directory but the one just replaced: a reader that resolved `..data`
   * an instant before the swap still finds whole files there. It goes at the next write.
   */
  private removeOldSets(current: string, previous: string | undefined): void {
    for (const name of readdirSync(this.targetDir)) {
      if (!name.startsWith('..') || name === DATA || name === current || name === previous) continue;
      const path = join(this.targetDir, name);
      if (lstatSync(path).isDirectory()) rmSync(path, { recursive: true, force: true });
    }
  }

  /** `name -> ..data/name` for each top-level name of the payload; removes the names no longer in it. */
  private linkUserNames(payload: Payload): void {
    const wanted = new Set([...payload.keys()].map(topLevel));
    for (const name of wanted) {
      const link = join(this.targetDir, name);
      if (!present(link)) symlinkSync(join(DATA, name), link);
    }
    for (const name of readdirSync(this.targetDir)) {
      if (name.startsWith('..') || wanted.has(name)) continue;
      const link = join(this.targetDir, name);
      if (lstatSync(link).isSymbolicLink()) unlinkSync(link);
    }
  }
}

function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Every regular file under `root`, as paths relative to it. */
function listFiles(root: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out;
}

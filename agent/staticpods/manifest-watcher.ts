// Reads the --pod-manifest-path directory and says when it may have changed: fs.watch for promptness, a
// periodic rescan as the backstop (fs.watch can miss events: editors' renames, network filesystems, a
// directory made after the start). Files whose name starts with `.` are skipped, as the kubelet does
// (editors' swap files); so are directories. It only reads: what the files mean is parseManifest's job.
import { type FSWatcher, readFileSync, readdirSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../clock';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import type { ManifestText } from './manifest';

export interface ManifestWatcherDeps {
  dir: string;
  clock: Clock;
  logger: Logger;
  /** The backstop rescan's period. */
  rescanMs: number;
  /** Called with every file after each scan (the caller compares). */
  onScan: (files: ManifestText[]) => void;
  /** Quiet time after a watch event before scanning, so one editor's save is one scan. */
  settleMs?: number;
}

export class ManifestWatcher {
  private watcher: FSWatcher | undefined;
  private cancelRescan: (() => void) | undefined;
  private cancelSettle: (() => void) | undefined;
  private stopped = false;
  private missingLogged = false;

  constructor(private readonly deps: ManifestWatcherDeps) {}

  /** Scans once now, then on each change and every rescanMs. */
  start(): void {
    this.stopped = false;
    this.rescan();
  }

  stop(): void {
    this.stopped = true;
    this.cancelRescan?.();
    this.cancelSettle?.();
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** The files of the directory now (none when it does not exist). */
  read(): ManifestText[] {
    const { dir } = this.deps;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
      this.missingLogged = false;
    } catch (err) {
      if (!this.missingLogged)
        this.deps.logger.warn('unable to read the pod manifest path', {
          path: dir,
          error: errorMessage(err),
        });
      this.missingLogged = true;
      return [];
    }
    const files: ManifestText[] = [];
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      try {
        if (!statSync(path).isFile()) continue;
        files.push({ path, text: readFileSync(path, 'utf8') });
      } catch {
        // removed between the listing and the read: the next scan sees it gone
      }
    }
    return files;
  }

  private rescan(): void {
    if (this.stopped) return;
    this.cancelRescan?.();
    this.ensureWatch();
    this.deps.onScan(this.read());
    this.cancelRescan = this.deps.clock.setTimer(() => this.rescan(), this.deps.rescanMs);
  }

  private ensureWatch(): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(this.deps.dir, () => this.changed());
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined; // the next rescan watches again
      });
    } catch {
      // no directory yet: the rescan keeps trying
    }
  }

  private changed(): void {
    this.cancelSettle?.();
    this.cancelSettle = this.deps.clock.setTimer(() => {
      if (!this.stopped) this.deps.onScan(this.read());
    }, this.deps.settleMs ?? 50);
  }
}

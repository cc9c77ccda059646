// The faults of a chaos run, at random moments: SIGKILL of the daemon (restarted at once), and a restart of
// the Docker engine (every container stops; the daemon keeps running and must reconnect). The engine is
// restarted only as test/integration/recovery.spec.ts does it, through scripts/ensure-docker.sh, and the
// chaos run holds the Docker lock for its whole length.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { ChaosDaemon } from './daemon';
import type { Rng } from './rng';

const REPO = join(__dirname, '..', '..');
const RESTART_ENGINE =
  'source scripts/ensure-docker.sh && p=$(cat /var/run/docker.pid) && kill "$p" && ' +
  'while kill -0 "$p" 2>/dev/null; do sleep 0.2; done && ensure_docker';

export interface FaultFigures {
  daemonKills: number;
  engineRestarts: number;
}

export function restartEngine(timeoutMs = 180_000): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', RESTART_ENGINE], { cwd: REPO, timeout: timeoutMs }, (err, _out, stderr) => {
      if (err) reject(new Error(`the engine restart failed (${err.message}): ${stderr.slice(-500)}`));
      else resolve();
    });
  });
}

export class FaultInjector {
  readonly figures: FaultFigures = { daemonKills: 0, engineRestarts: 0 };

  constructor(
    private readonly daemon: ChaosDaemon,
    private readonly rng: Rng,
    private readonly log: (line: string) => void,
    /** Seconds between faults, drawn between these bounds. */
    private readonly gapSeconds: [number, number] = [8, 20],
  ) {}

  /**
   * Injects faults until `until` (epoch ms) or until `stopped()`; the first is a daemon kill, the second an
   * engine restart, then one in three is an engine restart.
   */
  async run(until: number, stopped: () => boolean): Promise<void> {
    for (let n = 0; ; n++) {
      const wait = this.rng.int(this.gapSeconds[0] * 1000, this.gapSeconds[1] * 1000);
      if (Date.now() + wait >= until) return;
      await new Promise((r) => setTimeout(r, wait));
      if (stopped()) return;
      const engine = n === 1 || (n > 1 && this.rng.next() < 1 / 3);
      const t0 = Date.now();
      if (engine) {
        await restartEngine();
        this.figures.engineRestarts++;
      } else {
        await this.daemon.killAndRestart();
        this.figures.daemonKills++;
      }
      const what = engine ? 'engine restarted' : 'daemon killed (SIGKILL) and restarted';
      this.log(`${what} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
}

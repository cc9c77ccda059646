import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// scripts/ensure-docker.sh starts dockerd in the background. Started from a command that holds a lock
// (`flock LOCK npm test`), the engine must not inherit the lock's descriptor: it would hold the lock
// for as long as it runs, and every other holder would wait forever.
const ENSURE = join(__dirname, '..', '..', '..', '..', 'scripts', 'ensure-docker.sh');

describe('scripts/ensure-docker.sh spawn_detached', () => {
  it('the background process keeps no descriptor of its caller but stdin, stdout and stderr', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mk-detach-'));
    try {
      const lock = join(dir, 'lock');
      const out = join(dir, 'pid');
      // the caller holds the lock on fd 9, as `flock LOCK cmd` passes it on
      const r = spawnSync(
        'bash',
        [
          '-c',
          `set -e; exec 9>'${lock}'; flock 9; source '${ENSURE}'; spawn_detached '${join(dir, 'log')}' sleep 5; echo $! >'${out}'`,
        ],
        { encoding: 'utf8', timeout: 10_000 },
      );
      expect(r.status, r.stderr).to.equal(0);
      const pid = Number(readFileSync(out, 'utf8').trim());
      expect(pid).to.be.greaterThan(1);
      try {
        // the caller has exited: the lock is free unless the background process kept it
        const probe = spawnSync('flock', ['-n', lock, 'true']);
        expect(probe.status, 'the lock is still held by the background process').to.equal(0);
      } finally {
        try {
          process.kill(pid);
        } catch {
          // already gone
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

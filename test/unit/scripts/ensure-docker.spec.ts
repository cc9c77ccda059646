import { expect } from 'chai';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/** A stand-in for a containerd shim: its command line as the real one's, with one child process. */
function fakeShim(id: string, sock: string): ChildProcess {
  const argv0 = `containerd-shim-runc-v2 -namespace moby -id ${id} -address ${sock}`;
  return spawn('bash', ['-c', `exec -a "${argv0}" bash -c 'sleep 30 & wait'`], { stdio: 'ignore' });
}

const childOf = (pid: number): number | undefined => {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return out ? Number(out.split('\n')[0]) : undefined;
};
/** Alive and not a zombie. */
const running = (pid: number): boolean => {
  const stat = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();
  return stat !== '' && !stat.startsWith('Z');
};

describe('scripts/ensure-docker.sh reap_engine_orphans', () => {
  it('ends the shims (and their processes) of containers the engine does not know, and only those', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mk-reap-'));
    const sock = join(dir, 'containerd', 'containerd.sock');
    const known = 'a'.repeat(64);
    const orphan = 'b'.repeat(64);
    const shims = [
      fakeShim(known, sock),
      fakeShim(orphan, sock),
      fakeShim('c'.repeat(64), '/other/containerd.sock'),
    ];
    const kids: number[] = [];
    try {
      mkdirSync(join(dir, 'bin'));
      writeFileSync(join(dir, 'bin', 'docker'), `#!/bin/sh\n[ "$1 $2" = "ps -aq" ] && echo ${known}\n`);
      chmodSync(join(dir, 'bin', 'docker'), 0o755);
      for (const s of shims) {
        for (let i = 0; i < 100 && childOf(s.pid ?? 0) === undefined; i++)
          await new Promise((r) => setTimeout(r, 20));
        kids.push(childOf(s.pid ?? 0) ?? 0);
      }
      const r = spawnSync(
        'bash',
        [
          '-c',
          `export PATH='${join(dir, 'bin')}':$PATH DOCKERD_EXECROOT='${dir}'; source '${ENSURE}'; reap_engine_orphans`,
        ],
        { encoding: 'utf8', timeout: 10_000 },
      );
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(
        new RegExp(
          `ending the shim ${shims[1]?.pid} of container b{12}, .* \\(and its processes ${kids[1]}\\)`,
        ),
      );
      await new Promise((r) => setTimeout(r, 200));
      expect([running(shims[0]?.pid ?? 0), running(kids[0] ?? 0)], 'the known container').to.deep.equal([
        true,
        true,
      ]);
      expect([running(shims[1]?.pid ?? 0), running(kids[1] ?? 0)], 'the orphan').to.deep.equal([
        false,
        false,
      ]);
      expect(running(shims[2]?.pid ?? 0), 'a shim of another containerd').to.equal(true);
    } finally {
      for (const s of shims) s.kill('SIGKILL');
      for (const pid of kids.filter(running)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

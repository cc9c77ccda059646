// The abort of an exec on the engine, against a fake engine that behaves as Docker does: once the hijacked
// connection closes, the exec is reported ended (Running false, ExitCode 126) though its process runs on.
// The process here is a real child of the test, so the kill by host PID is checked for real.
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { dockerExecStream } from '../../../../agent/runtime/docker-exec';

interface FakeEngine {
  docker: Docker;
  process: ChildProcess;
}

/** `command` runs as the engine runs an exec'd one: the leader of a session and process group of its own. */
function fakeEngine(command = ['sleep', '30']): FakeEngine {
  const [file = 'sleep', ...args] = command;
  const child = spawn(file, args, { stdio: 'ignore', detached: true });
  let detached = false;
  const exec = {
    start: async () => {
      // the engine learns of the close at once (no event loop turn in between)
      const conn = new PassThrough({
        destroy: (err, done) => {
          detached = true;
          done(err);
        },
      });
      // and closes the connection once the command has ended
      child.once('exit', () => conn.end());
      return Promise.resolve(conn);
    },
    inspect: async () => {
      const alive = child.exitCode === null && child.signalCode === null;
      if (detached) return Promise.resolve({ Running: false, Pid: child.pid, ExitCode: 126 });
      return Promise.resolve({ Running: alive, Pid: child.pid, ExitCode: alive ? null : 137 });
    },
    resize: async () => Promise.resolve(),
  };
  const docker = { getContainer: () => ({ exec: async () => Promise.resolve(exec) }) } as unknown as Docker;
  return { docker, process: child };
}

/** The processes under `pid` (its children, theirs...), by host PID. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(' ')
      .filter(Boolean)
      .map(Number);
  } catch {
    // gone
  }
  return children.flatMap((c) => [c, ...descendants(c)]);
}

/** Running, not a zombie (the killed children are reparented, and reaped whenever their new parent gets to it). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const exited = (child: ChildProcess, ms: number): Promise<boolean> =>
  new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done(true);
    const timer = setTimeout(() => done(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      done(true);
    });
  });

describe('agent/runtime/docker-exec: abort', () => {
  it('kills the command even though the engine reports it ended once its connection is closed', async () => {
    const engine = fakeEngine();
    try {
      const options = { stdin: true, stdout: true, stderr: false, tty: false };
      const session = await dockerExecStream(engine.docker, 'c'.repeat(64), ['sleep', '30'], options);
      await session.abort();
      expect(await exited(engine.process, 2000), 'the command was killed').to.equal(true);
    } finally {
      engine.process.kill('SIGKILL');
    }
  });

  it("kills the command's children too (a sleep under sh), which would hold its output open", async () => {
    const engine = fakeEngine(['sh', '-c', 'sleep 30 & sleep 31; wait']);
    const pid = engine.process.pid ?? 0;
    let under: number[] = [];
    try {
      const options = { stdin: false, stdout: true, stderr: false, tty: false };
      const session = await dockerExecStream(engine.docker, 'c'.repeat(64), ['sh'], options);
      for (let i = 0; i < 100 && under.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 10));
        under = descendants(pid);
      }
      expect(under, 'the two sleeps').to.have.length(2);
      await session.abort();
      expect(await exited(engine.process, 2000), 'the command was killed').to.equal(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(under.filter(alive), 'its children left running').to.deep.equal([]);
    } finally {
      for (const p of [pid, ...under]) if (alive(p)) process.kill(p, 'SIGKILL');
    }
  });
});

// The abort of an exec on the engine, against a fake engine that behaves as Docker does: once the hijacked
// connection closes, the exec is reported ended (Running false, ExitCode 126) though its process runs on.
// The process here is a real child of the test, so the kill by host PID is checked for real.
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { dockerExecStream } from '../../../../agent/runtime/docker-exec';

interface FakeEngine {
  docker: Docker;
  process: ChildProcess;
}

function fakeEngine(): FakeEngine {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' });
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
});

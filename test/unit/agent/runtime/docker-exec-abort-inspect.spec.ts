// An aborted exec whose inspect fails for a moment (a busy engine: a resize flood, a hundred sessions) must
// still be killed: the failed look is not taken for the exec being gone. The command is a real child of the
// test, killed by host PID as the agent kills an exec's process group.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { dockerExecStream } from '../../../../agent/runtime/docker-exec';

describe('agent/runtime/docker-exec: an abort while the engine fails an inspect', function () {
  this.timeout(20_000);

  it('looks again and kills the command', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore', detached: true });
    const exited = new Promise((r) => child.once('exit', r));
    const conn = new PassThrough();
    child.once('exit', () => conn.end());
    let inspects = 0;
    const exec = {
      start: async () => Promise.resolve(conn),
      resize: async () => Promise.resolve(),
      inspect: async () => {
        inspects++;
        if (inspects === 1) throw new Error('connect EAGAIN /var/run/docker.sock');
        const running = child.exitCode === null && child.signalCode === null;
        return Promise.resolve({ Running: running, Pid: child.pid, ExitCode: running ? null : 137 });
      },
    };
    const docker = { getContainer: () => ({ exec: async () => Promise.resolve(exec) }) } as unknown as Docker;
    try {
      const session = await dockerExecStream(docker, 'c'.repeat(64), ['sleep', '30'], {
        stdin: false,
        stdout: true,
        stderr: false,
        tty: false,
      });
      await session.abort();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000))]);
      expect(child.signalCode, 'the command was killed').to.equal('SIGKILL');
      expect(inspects).to.be.at.least(2);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

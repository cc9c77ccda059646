// Many exec sessions cut off at once, against a fake container that keeps its execs as Docker 20.10 does:
// the exits of its exec'd commands are recorded one at a time, in order; each is marked ended (exit code set)
// at once, then the engine waits until its copy of the command's output to the hijacked connection has
// ended (2 s at most; scaled down here) and only then closes that connection and goes on to the next exit.
// The commands are real children of the test (killed by host PID) that write output until they die.
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { dockerExecStream } from '../../../../agent/runtime/docker-exec';
import type { StreamSession } from '../../../../agent/runtime/exec-stream';

/** The engine's wait for an exit's output copy (2 s in Docker 20.10), scaled down. */
const COPY_WAIT_MS = 300;
/** What each command writes before it waits to be killed. */
const OUTPUT = 1 << 20;

interface FakeContainer {
  docker: Docker;
  children: ChildProcess[];
  inspects(): number;
  running(): number;
}

function fakeContainer(): FakeContainer {
  const children: ChildProcess[] = [];
  const records: { running: boolean }[] = [];
  let inspects = 0;
  let exits = Promise.resolve(); // the container's exits, recorded one after another
  const newExec = (): object => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(child);
    const record = { running: true, exitCode: null as number | null };
    records.push(record);
    const conn = new PassThrough({ highWaterMark: 16 << 10 });
    // 1 MiB of stdout frames, as fast as the connection takes them (the engine's copy blocks while it is full)
    const frame = Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 16, 0]), Buffer.alloc(4096, 0x61)]);
    let written = 0;
    const copy = (): void => {
      for (; written < OUTPUT && !conn.destroyed; written += frame.length)
        if (!conn.write(frame)) return void conn.once('drain', copy);
    };
    const copyEnded = (): Promise<void> =>
      new Promise((done) => {
        const check = (): void => {
          if (conn.destroyed || (conn.writableLength === 0 && conn.readableLength === 0)) done();
          else setTimeout(check, 5);
        };
        check();
      });
    child.once('exit', () => {
      exits = exits.then(async () => {
        record.exitCode = 137;
        record.running = false;
        await Promise.race([copyEnded(), new Promise((r) => setTimeout(r, COPY_WAIT_MS))]);
        conn.end();
      });
    });
    return {
      start: async () => {
        setImmediate(copy);
        return Promise.resolve(conn);
      },
      inspect: async () => {
        inspects++;
        return Promise.resolve({ Running: record.running, Pid: child.pid, ExitCode: record.exitCode });
      },
      resize: async () => Promise.resolve(),
    };
  };
  const docker = {
    getContainer: () => ({ exec: async () => Promise.resolve(newExec()) }),
  } as unknown as Docker;
  return {
    docker,
    children,
    inspects: () => inspects,
    running: () => records.filter((r) => r.running).length,
  };
}

describe('agent/runtime/docker-exec: many sessions aborted at once', function () {
  this.timeout(20_000);

  it('kills every command and lets the engine record every exit, inspecting each exec only a few times', async () => {
    const container = fakeContainer();
    const sessions: StreamSession[] = [];
    try {
      const options = { stdin: true, stdout: true, stderr: true, tty: false };
      for (let i = 0; i < 30; i++)
        sessions.push(await dockerExecStream(container.docker, 'c'.repeat(64), ['sleep', '30'], options));
      // the clients went away a moment ago: nobody reads the sessions' output any more
      await new Promise((r) => setTimeout(r, 50));
      await Promise.all(sessions.map((s) => s.abort()));
      expect(container.running(), 'execs the engine still runs').to.equal(0);
      expect(
        container.children.filter((c) => c.exitCode === null && c.signalCode === null).length,
        'commands left',
      ).to.equal(0);
      expect(container.inspects(), 'exec inspects').to.be.at.most(3 * sessions.length);
    } finally {
      for (const c of container.children) c.kill('SIGKILL');
    }
  });
});

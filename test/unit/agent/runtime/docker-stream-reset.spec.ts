// The engine may reset a hijacked exec or attach connection (ECONNRESET: it closed its side with bytes of ours
// unread, as when a session is cut off while its stdin still flows). The session ends; the daemon must not
// crash on the socket's 'error' (seen in the stream-faults census: an unhandled ECONNRESET killed it).
import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { dockerAttachStream, dockerExecStream } from '../../../../agent/runtime/docker-exec';

const reset = (): Error => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104 });

/** A fake engine whose hijacked connection is `conn`; the exec reports exit 137 once asked. */
function fakeEngine(conn: PassThrough): Docker {
  const exec = {
    start: async () => Promise.resolve(conn),
    inspect: async () => Promise.resolve({ Running: false, Pid: 0, ExitCode: 137 }),
    resize: async () => Promise.resolve(),
  };
  const container = {
    exec: async () => Promise.resolve(exec),
    inspect: async () => Promise.resolve({ Config: { Tty: false }, State: { Running: true } }),
    attach: async () => Promise.resolve(conn),
    resize: async () => Promise.resolve(),
  };
  return { getContainer: () => container } as unknown as Docker;
}

const streams = { stdin: true, stdout: true, stderr: true, tty: false };

describe('agent/runtime/docker-exec: a reset connection', () => {
  for (const tty of [false, true]) {
    it(`ends an exec session${tty ? ' with a TTY' : ''} (stdin flowing) without an uncaught error`, async () => {
      const conn = new PassThrough();
      const session = await dockerExecStream(fakeEngine(conn), 'c1', ['cat'], { ...streams, tty });
      session.stdin?.write('still typing');
      conn.destroy(reset());
      expect(await session.done).to.equal(137);
    });
  }

  it('ends an attach session without an uncaught error', async () => {
    const conn = new PassThrough();
    const session = await dockerAttachStream(fakeEngine(conn), 'c1', streams);
    session.stdin?.write('still typing');
    conn.destroy(reset());
    await session.done;
  });
});

// exec and attach on the Docker engine: the hijacked connection dockerode opens, split into stdin, stdout
// and stderr (Docker multiplexes the two outputs into 8-byte-headed frames unless there is a TTY).
import type Docker from 'dockerode';
import { Socket } from 'node:net';
import { type Duplex, PassThrough, type Readable } from 'node:stream';
import { MiniKubeletError, errorMessage } from '../errors';
import type { StreamOptions, StreamSession } from './exec-stream';

/**
 * Splits Docker's multiplexed frames into stdout (type 1) and stderr (type 2), however chunks are cut,
 * pausing the source while a reader is slow. Frames for an output nobody asked for are dropped.
 */
export function splitFrames(source: Readable, stdout?: PassThrough, stderr?: PassThrough): void {
  let pending: Buffer = Buffer.alloc(0);
  const resume = (): void => {
    source.resume();
  };
  source.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      const target = pending[0] === 2 ? stderr : stdout;
      if (target && !target.write(pending.subarray(8, 8 + size))) {
        source.pause();
        target.once('drain', resume);
      }
      pending = pending.subarray(8 + size);
    }
  });
  source.on('end', () => {
    stdout?.end();
    stderr?.end();
  });
  source.on('close', () => {
    stdout?.end();
    stderr?.end();
  });
}

/** The outputs of a hijacked connection: as is with a TTY, demultiplexed otherwise. */
function outputs(
  conn: Duplex,
  options: StreamOptions,
): Pick<StreamSession, 'stdout' | 'stderr'> & { ended: Promise<void> } {
  const ended = new Promise<void>((resolve) => {
    conn.once('end', resolve);
    conn.once('close', resolve);
  });
  if (options.tty) {
    const stdout = new PassThrough();
    conn.pipe(stdout);
    conn.once('close', () => stdout.end());
    return { stdout, ended };
  }
  const stdout = options.stdout ? new PassThrough() : undefined;
  const stderr = options.stderr ? new PassThrough() : undefined;
  splitFrames(conn, stdout, stderr);
  return { ...(stdout ? { stdout } : {}), ...(stderr ? { stderr } : {}), ended };
}

/** stdin onto the connection: ending it half-closes the connection, which Docker passes on as EOF. */
function stdinOf(conn: Duplex): PassThrough {
  const stdin = new PassThrough();
  stdin.pipe(conn);
  return stdin;
}

/** Kills a process by its host PID (the agent runs on the host, as root); gone already is fine. */
function killHostPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // ESRCH: already gone; EPERM: not ours to kill (the agent runs in a container): nothing more to do here
  }
}

/** How long an aborted exec is watched for its process to start (or end) before it is given up. */
const ABORT_WATCH_MS = 10_000;
const ABORT_POLL_MS = 100;

/**
 * Kills an exec'd command once it runs: the engine may report it not started yet right after the
 * hijacked start returns (and starts it anyway, with no client left), so it is watched until it has an exit
 * code. Call it while the hijacked connection is open (see abort). A command that outlives the watch is
 * left to the engine.
 */
async function killExec(exec: Docker.Exec): Promise<void> {
  for (let waited = 0; waited < ABORT_WATCH_MS; waited += ABORT_POLL_MS) {
    const info = await exec.inspect().catch(() => undefined);
    if (!info) return;
    if (info.Running && info.Pid) killHostPid(info.Pid);
    else if (info.ExitCode !== null && info.ExitCode !== undefined) return;
    await new Promise((r) => setTimeout(r, ABORT_POLL_MS));
  }
}

export async function dockerExecStream(
  docker: Docker,
  id: string,
  command: string[],
  options: StreamOptions,
): Promise<StreamSession> {
  try {
    const exec = await docker.getContainer(id).exec({
      Cmd: command,
      AttachStdin: options.stdin,
      AttachStdout: options.stdout,
      AttachStderr: options.stderr || (options.tty && options.stdout),
      Tty: options.tty,
      ...(options.tty && options.size ? { ConsoleSize: [options.size.height, options.size.width] } : {}),
    });
    const conn = await exec.start({ hijack: true, stdin: options.stdin, Tty: options.tty });
    // over TCP (DOCKER_HOST=tcp://), the last output and the end are not held back for an ACK
    if (conn instanceof Socket) conn.setNoDelay(true);
    const out = outputs(conn, options);
    // engines before API 1.42 ignore ConsoleSize: set the size at once instead
    if (options.tty && options.size)
      await exec.resize({ h: options.size.height, w: options.size.width }).catch(() => undefined);
    let aborted = false;
    const done = out.ended.then(async () => {
      const info = await exec.inspect();
      return info.ExitCode ?? (aborted ? 137 : -1);
    });
    return {
      ...(options.stdin ? { stdin: stdinOf(conn) } : {}),
      ...out,
      resize: async (w, h) => {
        if (options.tty) await exec.resize({ w, h });
      },
      done,
      abort: async () => {
        if (aborted) return;
        aborted = true;
        // killed before the connection closes: once it has, the engine reports the exec ended (126)
        // though its command runs on, and the watch would take that for the end
        await killExec(exec).finally(() => conn.destroy());
      },
    };
  } catch (err) {
    throw new MiniKubeletError(
      'RuntimeError',
      `exec in ${id.slice(0, 12)}: ${errorMessage(err)}`,
      {},
      {
        cause: err,
      },
    );
  }
}

export async function dockerAttachStream(
  docker: Docker,
  id: string,
  options: StreamOptions,
): Promise<StreamSession> {
  try {
    const container = docker.getContainer(id);
    const tty = (await container.inspect()).Config.Tty;
    const conn = (await container.attach({
      stream: true,
      hijack: true,
      stdin: options.stdin,
      stdout: options.stdout,
      stderr: options.stderr,
    })) as Duplex;
    const out = outputs(conn, { ...options, tty });
    return {
      ...(options.stdin ? { stdin: stdinOf(conn) } : {}),
      ...out,
      resize: async (w, h) => {
        if (tty) await container.resize({ w, h });
      },
      done: out.ended.then(() => undefined),
      abort: async () => {
        await Promise.resolve();
        conn.destroy();
      },
    };
  } catch (err) {
    throw new MiniKubeletError(
      'RuntimeError',
      `attach to ${id.slice(0, 12)}: ${errorMessage(err)}`,
      {},
      {
        cause: err,
      },
    );
  }
}

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
  // A reset by the engine (ECONNRESET: it closed its side with bytes of ours unread, as when a session is cut
  // off while stdin flows) ends the session like a close, which follows; unhandled, it would end the daemon.
  conn.on('error', () => undefined);
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

/**
 * stdin onto the connection. With `eof`, ending it half-closes the connection, which Docker passes on as EOF.
 * Without, the end stays ours: on an attach Docker then closes the outputs too, unless the container is
 * stdinOnce without a TTY, whereas the kubelet's attach goes on streaming (kubectl run -it with no terminal).
 */
function stdinOf(conn: Duplex, eof = true): PassThrough {
  const stdin = new PassThrough();
  stdin.pipe(conn, { end: eof });
  return stdin;
}

/**
 * Kills an exec'd command and what it started, by host PID (the agent runs on the host, as root). The engine
 * runs the command as the leader of a session and process group of its own, so the group goes: killing the
 * command alone would leave its children (a `sleep` under `sh`) running, holding its output open. Gone
 * already is fine.
 */
function killHostProcessGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // ESRCH: already gone (or no group); EPERM: not ours to kill (the agent runs in a container)
    }
  }
}

/** How long an aborted exec is watched (its process to start, its end recorded) before it is given up. */
const ABORT_WATCH_MS = 10_000;
/** Pauses between looks at an aborted exec that has no process yet: short at first, then spaced out. */
const ABORT_POLLS_MS = [25, 50, 100, 200, 400, 800];
const ABORT_POLL_MAX_MS = 1000;

/** Resolves after `ms`, or at once when `cancel` settles first (the timer is cleared either way). */
function delay(ms: number, cancel: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    new Promise<void>((r) => (timer = setTimeout(r, ms))),
    cancel.then(() => undefined),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Kills an exec'd command, then waits until the engine has recorded its end. Right after the hijacked start
 * the engine may not report a process yet (and starts it anyway, with no client left), so the exec is looked
 * at until it has one, at growing intervals: a hundred sessions cut off at once must not flood the engine.
 * The end is not polled for: the engine closes the hijacked connection once it has recorded the exit (and
 * reports an exec whose connection is closed first as ended, 126, while its command runs on), so call it
 * while the connection is open and its output is read. A command that outlives the watch is left to the
 * engine.
 */
async function killExec(exec: Docker.Exec, ended: Promise<void>): Promise<void> {
  const watch = delay(ABORT_WATCH_MS, ended);
  let over = false;
  void watch.then(() => (over = true));
  for (let i = 0; !over; i++) {
    // A busy engine may fail a look (a resize flood, a hundred sessions): only a 404 says the exec is gone.
    const info = await exec.inspect().catch((err: unknown) => {
      const gone = (err as { statusCode?: number } | undefined)?.statusCode === 404;
      return gone ? ('gone' as const) : undefined;
    });
    if (info === 'gone' || (info && info.ExitCode !== null && info.ExitCode !== undefined)) return;
    if (info?.Running && info.Pid) {
      killHostProcessGroup(info.Pid);
      break;
    }
    await delay(ABORT_POLLS_MS[i] ?? ABORT_POLL_MAX_MS, watch);
  }
  await watch;
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
        // whatever the command still writes is read and dropped: the engine finishes recording an exit (and
        // closes this connection) once its copy of the output to here has ended, for up to 2 s, and the
        // container's later exits wait behind it
        for (const s of [out.stdout, out.stderr]) s?.unpipe().resume();
        await killExec(exec, out.ended).finally(() => conn.destroy());
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
    const conn = (await container.attach({
      stream: true,
      hijack: true,
      stdin: options.stdin,
      stdout: options.stdout,
      stderr: options.stderr,
    })) as Duplex;
    // Inspected once attached: the engine holds an attach to a container that has exited open until a
    // start that may never come (kubectl run --rm -i hung when its command ended first); one that exits
    // after this ends the attach.
    const info = await container.inspect().catch((err: unknown) => {
      conn.destroy();
      throw err;
    });
    if (!info.State.Running) {
      conn.destroy();
      throw new MiniKubeletError('RuntimeError', 'the container is not running');
    }
    const tty = info.Config.Tty;
    const out = outputs(conn, { ...options, tty });
    return {
      ...(options.stdin ? { stdin: stdinOf(conn, info.Config.StdinOnce && !tty) } : {}),
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

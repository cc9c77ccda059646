// One exec or attach session on an upgraded WebSocket: client messages to the process's stdin and terminal
// size, its stdout and stderr to the client, then the Status on channel 3 and a normal close. Whatever the
// client sends or however it leaves, nothing throws out of here and nothing stays open: a client that goes
// away aborts the session (the runtime kills the exec'd command).
import { PassThrough, type Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import { errorMessage } from '../../agent/errors';
import type { Logger } from '../../agent/log';
import type { StreamSession, TerminalSize } from '../../agent/runtime/exec-stream';
import {
  type ChannelProtocol,
  STATUS,
  STDERR,
  STDIN,
  STDOUT,
  errorStatus,
  exitStatus,
  frame,
  parseInbound,
} from './channel-protocol';

/** Output the socket may hold unsent before the process's output is paused. */
const HIGH_WATER = 1 << 20;

/** Sends a stream's chunks on a channel, pausing it while the socket is backed up; resolves at its end. */
function pump(ws: WebSocket, source: Readable | undefined, channel: number): Promise<void> {
  if (!source) return Promise.resolve();
  return new Promise((resolve) => {
    const resume = (): void => {
      if (ws.bufferedAmount < HIGH_WATER) source.resume();
    };
    source.on('data', (chunk: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(frame(channel, chunk), resume);
      if (ws.bufferedAmount >= HIGH_WATER) source.pause();
    });
    source.once('end', resolve);
    source.once('close', resolve);
    source.on('error', () => resolve());
  });
}

/** Applies terminal sizes one at a time, only the newest of those that arrive meanwhile (a resize flood). */
/** How long a TTY session waits for the client's terminal size before it starts the command without it. */
export const FIRST_SIZE_WAIT_MS = 300;

/** Resolves with the first size given to `seen`, or undefined after FIRST_SIZE_WAIT_MS. */
export function firstSize(): { seen(w: number, h: number): void; size: Promise<TerminalSize | undefined> } {
  let seen: (s: TerminalSize | undefined) => void = () => undefined;
  const size = new Promise<TerminalSize | undefined>((resolve) => {
    seen = resolve;
    setTimeout(() => resolve(undefined), FIRST_SIZE_WAIT_MS).unref();
  });
  return { seen: (width, height) => seen({ width, height }), size };
}

function resizer(logger: Logger): { want(w: number, h: number): void; attach(s: StreamSession): void } {
  let session: StreamSession | undefined;
  let wanted: [number, number] | undefined;
  let busy = false;
  const apply = (): void => {
    if (!session || busy || !wanted) return;
    const [w, h] = wanted;
    wanted = undefined;
    busy = true;
    session
      .resize(w, h)
      .catch((err: unknown) => logger.debug('resize failed', { error: errorMessage(err) }))
      .finally(() => {
        busy = false;
        apply();
      });
  };
  return {
    want: (w, h) => {
      wanted = [w, h];
      apply();
    },
    attach: (s) => {
      session = s;
      apply();
    },
  };
}

export async function runChannelSession(
  ws: WebSocket,
  protocol: ChannelProtocol,
  open: (size?: TerminalSize) => Promise<StreamSession>,
  logger: Logger,
  tty = false,
): Promise<void> {
  // Input is taken from the first message on, before the process exists; it waits here until then.
  const stdin = new PassThrough();
  stdin.on('error', () => undefined);
  const resize = resizer(logger);
  const first = firstSize();
  let session: StreamSession | undefined;
  let gone = false;
  ws.on('error', () => ws.terminate());
  ws.on('message', (data: Buffer) => {
    const msg = parseInbound(data, protocol);
    if (msg.kind === 'stdin') {
      if (!stdin.writableEnded && !stdin.write(msg.data)) {
        ws.pause();
        stdin.once('drain', () => ws.resume());
      }
    } else if (msg.kind === 'resize') {
      first.seen(msg.width, msg.height);
      resize.want(msg.width, msg.height);
    } else if (msg.kind === 'close' && msg.channel === STDIN) stdin.end();
    else if (msg.kind === 'ignored') logger.debug('stream message ignored', { why: msg.why });
  });
  ws.once('close', () => {
    gone = true;
    stdin.destroy();
    void session?.abort().catch(() => undefined);
  });

  try {
    // a terminal starts at the client's size: kubectl sends it first thing, so wait for it a moment
    session = await open(tty ? await first.size : undefined);
  } catch (err) {
    logger.debug('stream could not start', { error: errorMessage(err) });
    if (ws.readyState === ws.OPEN) {
      ws.send(frame(STATUS, JSON.stringify(errorStatus(errorMessage(err)))));
      ws.close(1000);
    }
    return;
  }
  if (gone) {
    await session.abort().catch(() => undefined);
    return;
  }
  resize.attach(session);
  const input = session.stdin;
  if (input) {
    input.on('error', () => undefined);
    stdin.pipe(input);
  }
  const outputs = Promise.all([pump(ws, session.stdout, STDOUT), pump(ws, session.stderr, STDERR)]);
  let code: number | undefined;
  try {
    [code] = await Promise.all([session.done, outputs]);
  } catch (err) {
    if (ws.readyState === ws.OPEN) ws.send(frame(STATUS, JSON.stringify(errorStatus(errorMessage(err)))));
    ws.close(1000);
    return;
  }
  if (ws.readyState !== ws.OPEN) return;
  ws.send(frame(STATUS, JSON.stringify(exitStatus(code))));
  ws.close(1000);
}

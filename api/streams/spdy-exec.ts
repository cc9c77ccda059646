// exec and attach over SPDY (remotecommand v4.channel.k8s.io, what kubectl 1.29 speaks and kubectl 1.30+
// falls back to): the client opens one stream per channel, named by its `streamtype` header (error, stdin,
// stdout, stderr, resize). Once all asked-for streams are there the command starts; its exit goes on the
// error stream as the same Status the WebSocket status channel carries, then everything is closed.
import type { Duplex } from 'node:stream';
import { errorMessage } from '../../agent/errors';
import type { Logger } from '../../agent/log';
import type { StreamOptions, StreamSession, TerminalSize } from '../../agent/runtime/exec-stream';
import { errorStatus, exitStatus } from './channel-protocol';
import { firstSize } from './channel-session';
import { SpdyConnection, type SpdyStream } from './spdy-connection';

/** The SPDY subprotocol (X-Stream-Protocol-Version) of exec and attach served here. */
export const SPDY_EXEC_PROTOCOL = 'v4.channel.k8s.io';
/** How long the client has to open its streams. */
const STREAMS_TIMEOUT_MS = 30_000;
/** A resize stream that sends more than this without a complete size is cut off. */
const MAX_RESIZE_BUFFER = 4096;

/** Terminal sizes from the resize stream: JSON objects one after another. */
function readSizes(stream: SpdyStream, apply: (w: number, h: number) => void): void {
  let pending = '';
  stream.on('data', (d: Buffer) => {
    pending += d.toString('utf8');
    for (let end = pending.indexOf('}'); end >= 0; end = pending.indexOf('}')) {
      const text = pending.slice(0, end + 1);
      pending = pending.slice(end + 1);
      try {
        const { Width, Height } = JSON.parse(text) as { Width?: unknown; Height?: unknown };
        if (
          Number.isInteger(Width) &&
          Number.isInteger(Height) &&
          (Width as number) > 0 &&
          (Height as number) > 0
        )
          apply(Width as number, Height as number);
      } catch {
        // not a size: skipped
      }
    }
    if (pending.length > MAX_RESIZE_BUFFER) stream.destroy();
  });
}

const ended = (s: SpdyStream | undefined): Promise<void> =>
  s
    ? new Promise((resolve) => {
        s.once('finish', resolve);
        s.once('close', resolve);
      })
    : Promise.resolve();

export function serveSpdyExec(
  io: Duplex,
  options: StreamOptions,
  open: (size?: TerminalSize) => Promise<StreamSession>,
  logger: Logger,
): void {
  const wanted = new Set<string>(['error']);
  if (options.stdin) wanted.add('stdin');
  if (options.stdout) wanted.add('stdout');
  if (options.stderr) wanted.add('stderr');
  if (options.tty) wanted.add('resize');
  const streams = new Map<string, SpdyStream>();
  let session: StreamSession | undefined;
  let gone = false;
  const timer = setTimeout(() => conn.close(), STREAMS_TIMEOUT_MS).unref();

  const run = async (): Promise<void> => {
    clearTimeout(timer);
    const error = streams.get('error');
    const resize = streams.get('resize');
    // sizes are read from the start; the command starts at the first one if it comes soon
    const first = firstSize();
    let apply = (w: number, h: number): void => first.seen(w, h);
    if (resize) readSizes(resize, (w, h) => apply(w, h));
    try {
      session = await open(resize ? await first.size : undefined);
    } catch (err) {
      error?.end(JSON.stringify(errorStatus(errorMessage(err))));
      await ended(error);
      conn.close();
      return;
    }
    if (gone) return void (await session.abort().catch(() => undefined));
    const s = session;
    const stdin = streams.get('stdin');
    if (stdin && s.stdin) {
      s.stdin.on('error', () => undefined);
      stdin.pipe(s.stdin);
    } else stdin?.resume();
    apply = (w, h) => void s.resize(w, h).catch(() => undefined);
    const out = streams.get('stdout');
    const err = streams.get('stderr');
    if (s.stdout && out) s.stdout.pipe(out);
    if (s.stderr && err) s.stderr.pipe(err);
    let status: Record<string, unknown>;
    try {
      const [code] = await Promise.all([s.done, ended(out), ended(err)]);
      status = exitStatus(code);
    } catch (e) {
      status = errorStatus(errorMessage(e));
    }
    error?.end(JSON.stringify(status));
    await ended(error);
    conn.close();
  };

  const conn = new SpdyConnection(
    io,
    (stream) => {
      const type = stream.headers.get('streamtype') ?? '';
      if (!wanted.has(type) || streams.has(type)) {
        logger.debug('exec stream not asked for, reset', { type });
        stream.destroy();
        return;
      }
      streams.set(type, stream);
      if (streams.size === wanted.size) void run();
    },
    logger,
    () => {
      gone = true;
      clearTimeout(timer);
      void session?.abort().catch(() => undefined);
    },
  );
}

// Raw clients of the API's streams, for tests that need to misbehave where kubectl never would: a SPDY/3
// client (zlib headers with the spec's dictionary, as Go's spdystream compresses) and a WebSocket exec
// client speaking v5.channel.k8s.io. Both can be cut off at any point, and both can send garbage.
import { type Socket, connect } from 'node:net';
import { constants, createDeflate } from 'node:zlib';
import WebSocket from 'ws';
import { FrameParser, HEADER_DICTIONARY, dataFrame, encodeHeaderPairs } from '../../api/streams/spdy-frames';

/** The client side's compressor: one zlib stream with the dictionary, a sync flush per block. */
export function clientDeflater(): (headers: Record<string, string>) => Promise<Buffer> {
  const z = createDeflate({ dictionary: HEADER_DICTIONARY });
  return (headers) =>
    new Promise((done) => {
      z.write(encodeHeaderPairs(headers));
      z.flush(constants.Z_SYNC_FLUSH, () => {
        const parts: Buffer[] = [];
        for (let c = z.read() as Buffer | null; c; c = z.read() as Buffer | null) parts.push(c);
        done(Buffer.concat(parts));
      });
    });
}

export function synStream(id: number, block: Buffer, fin = false): Buffer {
  const f = Buffer.alloc(18);
  f.writeUInt32BE(0x80030001, 0);
  f.writeUInt32BE((((fin ? 1 : 0) << 24) >>> 0) | (10 + block.length), 4);
  f.writeUInt32BE(id, 8);
  return Buffer.concat([f, block]);
}

/** An exec URL path: `command` once per argument, as kubectl sends it. */
export function execPath(pod: string, command: string[], query: Record<string, string> = {}): string {
  const q = new URLSearchParams(query);
  for (const c of command) q.append('command', c);
  return `/api/v1/namespaces/default/pods/${pod}/exec?${q.toString()}`;
}

export interface RawSession {
  /** Output bytes seen so far (stdout and stderr). */
  received(): number;
  /** The first 64 KiB of output as text. */
  text(): string;
  /** The upgrade's HTTP status: 101, or the refusal's. */
  status: Promise<number>;
  /** Half-closes stdin (EOF for the command). */
  closeStdin(): void;
  /** Resolves at the first output byte. */
  firstOutput: Promise<void>;
  /** Resolves once upgraded (SPDY: the streams are opened too); never when refused. */
  upgraded: Promise<void>;
  sendStdin(data: Buffer): boolean;
  /** Resolves when the transport can take more stdin. */
  drained(): Promise<void>;
  /** Sends raw bytes as they are (malformed input). */
  sendRaw(data: Buffer): void;
  /** Cuts the connection at once, without any goodbye. */
  kill(): void;
  /** Resolves when the connection has closed (either side). */
  closed: Promise<void>;
}

interface Hooks {
  onOutput: (data: Buffer) => void;
}

const TEXT_LIMIT = 64 << 10;

function session(
  kill: () => void,
  closed: Promise<void>,
): {
  hooks: Hooks;
  base: Pick<RawSession, 'received' | 'text' | 'firstOutput' | 'kill' | 'closed'>;
} {
  let got = 0;
  let text = '';
  let first: () => void = () => undefined;
  const firstOutput = new Promise<void>((r) => (first = r));
  return {
    hooks: {
      onOutput: (data) => {
        got += data.length;
        if (text.length < TEXT_LIMIT) text += data.toString('utf8');
        if (data.length > 0) first();
      },
    },
    base: { received: () => got, text: () => text, firstOutput, kill, closed },
  };
}

/** exec over SPDY/3.1 (v4.channel.k8s.io, as kubectl 1.29): upgrade, then one stream per channel. */
export function spdyExec(api: URL, path: string, localAddress = '127.0.0.1'): RawSession {
  const socket: Socket = connect({ host: api.hostname, port: Number(api.port), localAddress });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const { hooks, base } = session(() => socket.destroy(), closed);
  const parser = new FrameParser();
  let upgraded = false;
  let head = '';
  let status: (code: number) => void = () => undefined;
  const statusP = new Promise<number>((r) => (status = r));
  socket.once('close', () => status(0));
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${api.host}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n` +
      'X-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n',
  );
  const deflate = clientDeflater();
  const upgradedAndOpened = (async () => {
    await new Promise<void>((resolve) => {
      socket.on('data', (d: Buffer) => {
        if (!upgraded) {
          head += d.toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          status(Number(head.slice(9, 12)));
          upgraded = head.startsWith('HTTP/1.1 101');
          if (!upgraded) return void socket.destroy();
          resolve();
          d = Buffer.from(head.slice(end + 4), 'latin1');
        }
        try {
          for (const f of parser.push(d)) if (!f.control && f.streamId !== 1) hooks.onOutput(f.data);
        } catch {
          socket.destroy();
        }
      });
    });
    const types = ['error', 'stdin', 'stdout', 'stderr'];
    for (const [i, t] of types.entries())
      socket.write(synStream(1 + 2 * i, await deflate({ streamtype: t }), t === 'error'));
  })();
  upgradedAndOpened.catch(() => undefined);
  return {
    ...base,
    upgraded: upgradedAndOpened,
    status: statusP,
    closeStdin: () => void socket.write(dataFrame(3, Buffer.alloc(0), true)),
    sendStdin: (data) => upgraded && socket.write(dataFrame(3, data)),
    drained: () => new Promise((r) => (socket.writableNeedDrain ? socket.once('drain', r) : r())),
    sendRaw: (data) => void socket.write(data),
  };
}

/** exec over WebSocket (v5.channel.k8s.io, as kubectl 1.30+ and client-node). */
export function wsExec(api: URL, path: string, localAddress = '127.0.0.1'): RawSession {
  const ws = new WebSocket(`ws://${api.host}${path}`, ['v5.channel.k8s.io'], { localAddress });
  ws.on('error', () => undefined);
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  const { hooks, base } = session(() => ws.terminate(), closed);
  ws.on('message', (d: Buffer) => {
    if (d[0] === 1 || d[0] === 2) hooks.onOutput(d.subarray(1));
  });
  const status = new Promise<number>((r) => {
    ws.once('upgrade', () => r(101));
    ws.once('unexpected-response', (_req, res) => {
      r(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('close', () => r(0));
  });
  const open = (): boolean => ws.readyState === WebSocket.OPEN;
  return {
    ...base,
    upgraded: new Promise((r) => ws.once('open', () => r())),
    status,
    closeStdin: () => {
      if (open()) ws.send(Buffer.from([255, 0]));
    },
    sendStdin: (data) => {
      if (!open()) return false;
      ws.send(Buffer.concat([Buffer.from([0]), data]));
      return ws.bufferedAmount < 1 << 20;
    },
    drained: async () => {
      while (open() && ws.bufferedAmount >= 1 << 20) await new Promise((r) => setTimeout(r, 5));
    },
    sendRaw: (data) => {
      if (open()) ws.send(data);
    },
  };
}

// Kubernetes' channel protocol over WebSocket (what kube-apiserver speaks for exec and attach, KEP-4006):
// every binary message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error/status (one
// metav1.Status JSON at the end), 4 terminal resize (JSON {"Width","Height"}). v5 adds a close message
// [255, channel] by which the client half-closes stdin. Pure functions: no sockets here.

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const STATUS = 3;
export const RESIZE = 4;
export const CLOSE = 255;

/** The subprotocols served, best first. v4 is v5 without the close message. */
export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type ChannelProtocol = (typeof CHANNEL_PROTOCOLS)[number];

/** The best protocol both sides know, from a Sec-WebSocket-Protocol list. */
export function pickProtocol(offered: Iterable<string>): ChannelProtocol | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return CHANNEL_PROTOCOLS.find((p) => set.has(p));
}

/** A message for the client: the channel byte, then the data. */
export function frame(channel: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = channel;
  body.copy(out, 1);
  return out;
}

/** What a client's message means. Anything the protocol does not define is `ignored`, with why. */
export type Inbound =
  | { kind: 'stdin'; data: Buffer }
  | { kind: 'resize'; width: number; height: number }
  | { kind: 'close'; channel: number }
  | { kind: 'ignored'; why: string };

const MAX_TERMINAL = 0xffff;

export function parseInbound(msg: Buffer, protocol: ChannelProtocol): Inbound {
  if (msg.length === 0) return { kind: 'ignored', why: 'empty message' };
  const channel = msg[0];
  const body = msg.subarray(1);
  switch (channel) {
    case STDIN:
      return { kind: 'stdin', data: body };
    case RESIZE:
      return parseResize(body);
    case CLOSE:
      if (protocol !== 'v5.channel.k8s.io') return { kind: 'ignored', why: 'close message before v5' };
      return body.length === 1
        ? { kind: 'close', channel: body[0] ?? 0 }
        : { kind: 'ignored', why: 'bad close' };
    default:
      return { kind: 'ignored', why: `unknown channel ${channel ?? -1}` };
  }
}

function parseResize(body: Buffer): Inbound {
  let size: unknown;
  try {
    size = JSON.parse(body.toString('utf8'));
  } catch {
    return { kind: 'ignored', why: 'resize is not JSON' };
  }
  const { Width: width, Height: height } = (size ?? {}) as { Width?: unknown; Height?: unknown };
  const ok = (n: unknown): n is number =>
    Number.isInteger(n) && (n as number) > 0 && (n as number) <= MAX_TERMINAL;
  return ok(width) && ok(height)
    ? { kind: 'resize', width, height }
    : { kind: 'ignored', why: 'resize without positive integer Width and Height' };
}

/** The Status the status channel ends with: success, or the exit code as kubectl reads it. */
export function exitStatus(exitCode: number | undefined): Record<string, unknown> {
  if (!exitCode) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** The Status for a failure after the upgrade (the command could not start, the engine failed). */
export function errorStatus(message: string): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

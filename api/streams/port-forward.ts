// Port-forward over a SPDY connection (kubelet's protocol portforward.k8s.io): for each forwarded
// connection the client opens two streams with the same `requestid`: `streamtype: error` and
// `streamtype: data`, each with `port`. The data stream is joined to a TCP connection to that port of the
// pod (its own network namespace: the pod IP on the pod network); a failure goes as text on the error
// stream, which ends when the connection ends. One connection failing leaves the others alone.
import { type Socket, connect } from 'node:net';
import { errorMessage } from '../../agent/errors';
import type { Logger } from '../../agent/log';
import { lentReads } from './lent-reads';
import type { SpdyStream } from './spdy-connection';

/** How long the first stream of a pair waits for the second before it is dropped. */
const PAIR_TIMEOUT_MS = 30_000;

export interface ForwardTarget {
  /** Where the pod's ports are reached from here: its IP. */
  host: string;
  podName: string;
  podUid: string;
}

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** Returns the handler for a connection's new streams. */
export function portForwarder(target: ForwardTarget, logger: Logger): (stream: SpdyStream) => void {
  const pairs = new Map<string, Pair>();

  const forward = (data: SpdyStream, error: SpdyStream, port: number): void => {
    error.resume(); // the client half-closes it at once; nothing comes on it
    const fail = (why: string): void => {
      if (!error.writableEnded)
        error.end(`error forwarding port ${port} to pod ${target.podName}, uid ${target.podUid}: ${why}`);
      data.end();
    };
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      fail(`invalid port ${String(port)}`);
      return;
    }
    // the pod's bytes are read into buffers lent to the data stream (no new Buffer per read); the client's
    // go to the pod through the stream
    const socket: Socket = connect({
      host: target.host,
      port,
      onread: lentReads(
        () => socket,
        (chunk, giveBack) => data.sendLent(chunk, giveBack),
      ),
    });
    socket.setNoDelay(true);
    socket.once('connect', () => data.pipe(socket));
    socket.once('end', () => data.end());
    socket.on('error', (err) => fail(errorMessage(err)));
    socket.once('close', () => {
      if (!error.writableEnded) error.end();
      if (!data.writableEnded) data.end();
    });
    data.once('close', () => socket.destroy());
    data.on('error', () => socket.destroy());
  };

  return (stream) => {
    const type = stream.headers.get('streamtype');
    const id = stream.headers.get('requestid') ?? '';
    if (type !== 'data' && type !== 'error') {
      logger.debug('port-forward stream of unknown type reset', { type });
      stream.destroy();
      return;
    }
    const pair = pairs.get(id) ?? {
      timer: setTimeout(() => {
        pairs.delete(id);
        pair.data?.destroy();
        pair.error?.destroy();
      }, PAIR_TIMEOUT_MS).unref(),
    };
    if (pair[type]) {
      stream.destroy(); // a second stream of the same type for one request: not a pair
      return;
    }
    pair[type] = stream;
    pairs.set(id, pair);
    stream.once('close', () => {
      if (pairs.get(id) === pair) {
        clearTimeout(pair.timer);
        pairs.delete(id);
      }
    });
    if (pair.data && pair.error) {
      clearTimeout(pair.timer);
      pairs.delete(id);
      forward(pair.data, pair.error, Number(stream.headers.get('port')));
    }
  };
}

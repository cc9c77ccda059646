// The ceiling of `kubectl port-forward` here: a server that costs (almost) nothing behind kubectl. Just
// enough API for kubectl (discovery, one Running pod) and its /portforward, served by the agent's own stream
// code (SpdyConnection, and webSocketDuplex for kubectl 1.31+'s tunnel); each data stream is answered with
// `bytes` zeros from memory, no pod socket. What kubectl reaches against it, against a Node proxy, is the
// most any server behind kubectl could reach on this machine.
// `node dist/bench/forward-ceiling-server.js KUBECONFIG_OUT BYTES` writes a kubeconfig for itself, prints
// `port N` and stops by itself after 30 minutes.
import { writeFileSync } from 'node:fs';
import { type IncomingMessage, createServer } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from '../agent/log';
import { READ_BYTES } from '../api/streams/lent-reads';
import { SpdyConnection, type SpdyStream } from '../api/streams/spdy-connection';
import { acceptSpdy } from '../api/streams/upgrade';
import { webSocketDuplex } from '../api/streams/ws-duplex';

export const CEILING_POD = 'p';
const MAX_LIFETIME_MS = 30 * 60_000;
/** Each write: the size of the agent's reads from a pod socket in a bulk transfer. */
const CHUNK = READ_BYTES;

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quiet,
} as unknown as Logger;

const pod = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name: CEILING_POD, namespace: 'default', uid: 'ceiling' },
  spec: { containers: [{ name: 'c', image: 'none' }] },
  status: { phase: 'Running', podIP: '127.0.0.1' },
};
/** What kubectl asks before a port-forward (discovery, the pod); everything else is a 404. */
const documents: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      {
        name: 'pods',
        singularName: 'pod',
        namespaced: true,
        kind: 'Pod',
        verbs: ['get'],
        shortNames: ['po'],
      },
      {
        name: 'pods/portforward',
        singularName: '',
        namespaced: true,
        kind: 'PodPortForwardOptions',
        verbs: ['get'],
      },
    ],
  },
  [`/api/v1/namespaces/default/pods/${CEILING_POD}`]: pod,
};

/** Serves a forwarded connection: the data stream gets `bytes` zeros, the error stream stays empty. */
export function zerosServer(bytes: number): (stream: SpdyStream) => void {
  const errors = new Map<string, SpdyStream>();
  const zeros = Buffer.alloc(CHUNK);
  return (stream) => {
    const id = stream.headers.get('requestid') ?? '';
    stream.resume();
    if (stream.headers.get('streamtype') === 'error') {
      errors.set(id, stream);
      return;
    }
    stream.once('finish', () => {
      errors.get(id)?.end();
      errors.delete(id);
    });
    let left = bytes;
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(CHUNK, left);
        left -= n;
        if (!stream.write(n === CHUNK ? zeros : zeros.subarray(0, n))) return void stream.once('drain', pump);
      }
      stream.end();
    };
    pump();
  };
}

function main(): void {
  const [kubeconfig = '', size = ''] = process.argv.slice(2);
  const onStream = zerosServer(Number(size));
  const server = createServer((req, res) => {
    const doc = documents[(req.url ?? '').split('?')[0] ?? ''];
    res.writeHead(doc ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404 }));
  });
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: () => 'SPDY/3.1+portforward.k8s.io',
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (socket instanceof Socket) socket.setNoDelay(true); // as routeUpgrades does
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      acceptSpdy({ socket, head }, 'portforward.k8s.io');
      new SpdyConnection(socket, onStream, quiet);
      return;
    }
    req.headers['sec-websocket-protocol'] = 'portforward'; // a token ws accepts, as port-forward-routes.ts does
    wss.handleUpgrade(req, socket, head, (ws) => new SpdyConnection(webSocketDuplex(ws), onStream, quiet));
  });
  setTimeout(() => process.exit(0), MAX_LIFETIME_MS).unref();
  process.on('SIGTERM', () => process.exit(0));
  server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    const port = typeof a === 'object' && a ? a.port : 0;
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\n' +
        `clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]\n` +
        'users: [{name: u, user: {}}]\n' +
        'contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]\ncurrent-context: c\n',
    );
    process.stdout.write(`port ${port}\n`);
  });
}

if (require.main === module) main();

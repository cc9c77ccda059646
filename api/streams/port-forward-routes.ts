// /portforward of a pod (kubectl port-forward, client-node's PortForward): checked like any request, then
// upgraded either to a WebSocket carrying SPDY (`SPDY/3.1+portforward.k8s.io`, kubectl 1.31+) or to SPDY
// itself (`Upgrade: SPDY/3.1`, kubectl 1.29/1.30 and the fallback), and served by port-forward.ts; or to a
// WebSocket of the channel protocol (`v5`/`v4.channel.k8s.io`, client-node), served by channel-port-forward.ts.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WebSocketServer } from 'ws';
import { badRequest } from '../../agent/errors';
import type { Logger } from '../../agent/log';
import type { Pod } from '../../agent/model/pod';
import type { ObjectStore } from '../../agent/store/object-store';
import { type Req, namespaceOf } from '../request';
import type { ClientLimit } from './client-limit';
import { CHANNEL_PROTOCOLS, pickProtocol } from './channel-protocol';
import { channelPorts, serveChannelPortForward } from './channel-port-forward';
import { portForwarder } from './port-forward';
import { SpdyConnection } from './spdy-connection';
import { acceptSpdy, listOf, upgradeOf } from './upgrade';
import { webSocketDuplex } from './ws-duplex';

/** The WebSocket subprotocol kubectl 1.31+ asks for: SPDY frames inside binary messages. */
export const TUNNEL_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';
/** The SPDY subprotocol (X-Stream-Protocol-Version) of port-forward. */
export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

export interface PortForwardDeps {
  pods: ObjectStore<Pod>;
  logger: Logger;
  limit: ClientLimit;
}

export function portForwardRoutes(app: FastifyInstance, deps: PortForwardDeps): void {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 4 << 20,
    handleProtocols: (offered) => pickProtocol(offered) ?? TUNNEL_PROTOCOL,
  });
  app.addHook('onClose', (_app, done) => wss.close(() => done()));

  const handler = async (req: Req, reply: FastifyReply): Promise<unknown> => {
    const pod = deps.pods.mustGet(namespaceOf(req), req.params.name ?? '');
    const m = pod.metadata;
    if (pod.status.phase !== 'Running')
      throw badRequest(
        `unable to upgrade connection: pod ${m.name} is not running (phase ${pod.status.phase ?? 'Unknown'})`,
      );
    const host = pod.spec.hostNetwork ? '127.0.0.1' : pod.status.podIP;
    if (!host) throw badRequest(`unable to upgrade connection: pod ${m.name} has no IP yet`);
    const up = upgradeOf(req.raw);
    const upgrade = (req.headers.upgrade ?? '').toLowerCase();
    const offered = listOf(req.headers['sec-websocket-protocol']);
    const tunnel = upgrade === 'websocket' && offered.includes(TUNNEL_PROTOCOL);
    const channels = upgrade === 'websocket' && !tunnel && pickProtocol(offered) !== undefined;
    const ports = channels ? channelPorts(req.query.ports) : undefined;
    if (channels && !ports) throw badRequest('query parameter "ports" must list the ports to forward');
    const websocket = tunnel || channels;
    const spdy =
      upgrade === 'spdy/3.1' &&
      listOf(req.headers['x-stream-protocol-version']).includes(PORT_FORWARD_PROTOCOL);
    if (!up || (!websocket && !spdy))
      throw badRequest(
        `Upgrade request required: port-forward is served over WebSocket (${TUNNEL_PROTOCOL} or ${CHANNEL_PROTOCOLS.join(', ')}) or SPDY/3.1 (${PORT_FORWARD_PROTOCOL})`,
      );
    const release = deps.limit.take(req.socket.remoteAddress ?? 'unix socket');
    reply.hijack();
    up.socket.once('close', release);
    const target = { host, podName: m.name, podUid: m.uid ?? '' };
    const log = deps.logger.child({ verb: 'portforward', pod: m.name });
    if (ports) {
      wss.handleUpgrade(req.raw, up.socket, up.head, (ws) => serveChannelPortForward(ws, target, ports, log));
    } else if (websocket) {
      // ws accepts only RFC 7230 tokens as subprotocols, and '/' is not one: it would refuse the handshake.
      // The choice is made here, so ws is shown a token and answers with the protocol (handleProtocols).
      req.raw.headers['sec-websocket-protocol'] = 'portforward';
      wss.handleUpgrade(req.raw, up.socket, up.head, (ws) => {
        const io = webSocketDuplex(ws);
        new SpdyConnection(io, portForwarder(target, log), log);
      });
    } else {
      acceptSpdy(up, PORT_FORWARD_PROTOCOL);
      new SpdyConnection(up.socket, portForwarder(target, log), log);
    }
    return reply;
  };

  for (const base of ['/pods', '/api/v1/namespaces/:namespace/pods'])
    app.route({ method: ['GET', 'POST'], url: `${base}/:name/portforward`, handler });
}

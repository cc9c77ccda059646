// /exec and /attach of a pod (kubectl exec, attach, cp; client-node's Exec and Attach): checked like any
// request (token, names, the pod, the container: `container X is not valid for pod Y` comes before any
// upgrade), then upgraded to a WebSocket speaking the channel protocol (channel-protocol.ts). kubectl sends
// GET (WebSocket, channel-session.ts) or POST (SPDY/3.1, kubectl 1.29 and the fallback, spdy-exec.ts). Each client address may hold MAX_STREAMS_PER_CLIENT streams at once (client-limit.ts).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { WebSocketServer } from 'ws';
import { badRequest } from '../../agent/errors';
import type { Logger } from '../../agent/log';
import type { Pod } from '../../agent/model/pod';
import type { PodStreams } from '../../agent/ports/pod-streams';
import type { StreamOptions, TerminalSize } from '../../agent/runtime/exec-stream';
import type { ObjectStore } from '../../agent/store/object-store';
import { type Req, namespaceOf, queryBool } from '../request';
import { CHANNEL_PROTOCOLS, type ChannelProtocol, pickProtocol } from './channel-protocol';
import { runChannelSession } from './channel-session';
import type { ClientLimit } from './client-limit';
import { serveSpdyExec, SPDY_EXEC_PROTOCOL } from './spdy-exec';
import { acceptSpdy, listOf, upgradeOf } from './upgrade';

/** The largest message a client may send (kubectl sends stdin in chunks of 32 KiB or less). */
const MAX_MESSAGE_BYTES = 4 << 20;

export interface StreamDeps {
  pods: ObjectStore<Pod>;
  podStreams: PodStreams;
  logger: Logger;
  /** Streams per client, shared with port-forward. */
  limit: ClientLimit;
}

/** The streams a request asks for, as upstream reads `stdin`, `stdout`, `stderr`, `tty`. */
function optionsOf(query: Record<string, unknown>): StreamOptions {
  const tty = queryBool(query.tty);
  return {
    stdin: queryBool(query.stdin),
    stdout: queryBool(query.stdout),
    // with a TTY the terminal carries both outputs, on stdout
    stderr: queryBool(query.stderr) && !tty,
    tty,
  };
}

/** `command` repeats once per argument. */
function commandOf(query: Record<string, unknown>): string[] {
  const c = query.command;
  const list = Array.isArray(c) ? c : c === undefined ? [] : [c];
  return list.map(String);
}

export function streamRoutes(app: FastifyInstance, deps: StreamDeps): void {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (offered) => pickProtocol(offered) ?? false,
  });
  app.addHook('onClose', (_app, done) => wss.close(() => done()));

  const handler =
    (verb: 'exec' | 'attach') =>
    async (req: Req, reply: FastifyReply): Promise<unknown> => {
      const pod = deps.pods.mustGet(namespaceOf(req), req.params.name ?? '');
      const query = req.query as Record<string, unknown>;
      const options = optionsOf(query);
      const command = commandOf(query);
      if (verb === 'exec' && command.length === 0) throw badRequest('you must specify at least 1 command');
      if (!options.stdin && !options.stdout && !options.stderr)
        throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
      const target = await deps.podStreams.target(
        pod,
        typeof query.container === 'string' ? query.container : undefined,
      );
      const up = upgradeOf(req.raw);
      const upgrade = (req.headers.upgrade ?? '').toLowerCase();
      const spdy =
        upgrade === 'spdy/3.1' &&
        listOf(req.headers['x-stream-protocol-version']).includes(SPDY_EXEC_PROTOCOL);
      if (!up || (upgrade !== 'websocket' && !spdy))
        throw badRequest(
          `Upgrade request required: ${verb} is served over WebSocket (${CHANNEL_PROTOCOLS.join(', ')}) or SPDY/3.1 (${SPDY_EXEC_PROTOCOL})`,
        );
      const protocol: ChannelProtocol | undefined = pickProtocol(
        listOf(req.headers['sec-websocket-protocol']),
      );
      if (!spdy && !protocol)
        throw badRequest(
          `unable to upgrade: none of the offered subprotocols is served (${CHANNEL_PROTOCOLS.join(', ')})`,
        );
      const release = deps.limit.take(req.socket.remoteAddress ?? 'unix socket');
      reply.hijack();
      up.socket.once('close', release);
      const log = deps.logger.child({ verb, pod: pod.metadata.name, container: target.name });
      const open = (size?: TerminalSize) =>
        verb === 'exec'
          ? deps.podStreams.exec(target.id, command, { ...options, ...(size ? { size } : {}) })
          : deps.podStreams.attach(target.id, options);
      if (spdy) {
        acceptSpdy(up, SPDY_EXEC_PROTOCOL);
        serveSpdyExec(up.socket, options, open, log);
      } else
        wss.handleUpgrade(
          req.raw,
          up.socket,
          up.head,
          (ws) => void runChannelSession(ws, protocol ?? 'v4.channel.k8s.io', open, log, options.tty),
        );
      return reply;
    };

  for (const base of ['/pods', '/api/v1/namespaces/:namespace/pods']) {
    for (const verb of ['exec', 'attach'] as const)
      app.route({ method: ['GET', 'POST'], url: `${base}/:name/${verb}`, handler: handler(verb) });
  }
}

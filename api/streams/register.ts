// The kubelet's streaming services on the API: exec and attach (stream-routes.ts), port-forward
// (port-forward-routes.ts), all as upgrades routed through the API's hooks (upgrade.ts), with one bound on
// streams per client (client-limit.ts).
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps';
import { ClientLimit } from './client-limit';
import { portForwardRoutes } from './port-forward-routes';
import { streamRoutes } from './stream-routes';
import { routeUpgrades } from './upgrade';

export function registerStreams(app: FastifyInstance, deps: ApiDeps): void {
  const limit = new ClientLimit();
  routeUpgrades(app);
  streamRoutes(app, { pods: deps.pods, podStreams: deps.podStreams, logger: deps.logger, limit });
  portForwardRoutes(app, { pods: deps.pods, logger: deps.logger, limit });
}

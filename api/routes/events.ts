// Events (from the EventRecorder) as the events API: listed with field selectors (what `kubectl describe`
// asks), printed as a Table (`kubectl get events`), and watched.
import type { FastifyInstance } from 'fastify';
import type { KubeEvent } from '../../agent/events/recorder';
import { notFound } from '../../agent/errors';
import { collectionHandler, objectReply, watchRoutes } from '../collection';
import type { ApiDeps } from '../deps';
import { type Req, namespaceOf } from '../request';
import { events as eventsInfo } from '../resources';

export function eventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const source = (namespace?: string): KubeEvent[] => deps.events.list(namespace ? { namespace } : {});
  const list = collectionHandler(deps, eventsInfo, source);
  const get = async (req: Req): Promise<unknown> => {
    const ev = deps.events
      .list({ namespace: namespaceOf(req) })
      .find((e) => e.metadata.name === req.params.name);
    if (!ev) throw notFound('Event', req.params.name ?? '');
    return objectReply(req, deps, eventsInfo, ev);
  };
  app.get('/api/v1/namespaces/:namespace/events', list);
  app.get('/api/v1/namespaces/:namespace/events/:name', get);
  app.get('/api/v1/events', list);
  watchRoutes(app, 'events', list);
}

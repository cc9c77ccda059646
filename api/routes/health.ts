// Liveness and readiness of the daemon itself.
import type { FastifyInstance } from 'fastify';

export function healthRoutes(app: FastifyInstance, ready: () => Promise<boolean>): void {
  app.get('/healthz', async (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/livez', async (_req, reply) => reply.type('text/plain').send('ok'));
  app.get('/readyz', async (_req, reply) => {
    const ok = await ready();
    return reply
      .code(ok ? 200 : 503)
      .type('text/plain')
      .send(ok ? 'ok' : 'Docker engine not reachable');
  });
}

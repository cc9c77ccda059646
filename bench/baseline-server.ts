// The API baseline: a bare fastify server that answers each recorded request (URL and Accept header) with
// the body the agent gave for it, byte for byte, so the comparison isolates the agent's own work per request.
// `node dist/bench/baseline-server.js RECORDINGS.json` prints its port and stops by itself after 30 minutes.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

export interface Recorded {
  url: string;
  accept: string;
  status: number;
  contentType: string;
  body: string;
}

const MAX_LIFETIME_MS = 30 * 60_000;

function main(): void {
  const entries = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Recorded[];
  const app = Fastify({ logger: false });
  app.all('*', async (req, reply) => {
    const same = entries.filter((e) => e.url === req.url);
    const e = same.find((x) => x.accept === (req.headers.accept ?? '')) ?? same[0];
    if (!e) return reply.code(404).send({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404 });
    return reply.code(e.status).type(e.contentType).send(e.body);
  });
  setTimeout(() => process.exit(0), MAX_LIFETIME_MS).unref();
  process.on('SIGTERM', () => process.exit(0));
  app.listen({ host: '127.0.0.1', port: 0 }).then(
    () => {
      const a = app.server.address();
      process.stdout.write(`${typeof a === 'object' && a ? a.port : 0}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
}

if (require.main === module) main();

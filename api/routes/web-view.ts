// The web view (/ui/): the files `npm run build` puts in dist/web (ui/ compiled by its own tsconfig, plus
// its HTML and CSS), read once at start and served from memory. They hold no data: the page reads the API
// with the same bearer token as any client (api/auth.ts lets these files through; SECURITY.md).
import { type Dirent, readFileSync, readdirSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { MiniKubeletError } from '../../agent/errors';
import { statusOf } from '../status';

/** dist/web, beside dist/api. */
export const WEB_VIEW_DIR = join(__dirname, '..', '..', 'web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
/** Only the page's own files: no inline script, no other origin (the page talks to this API only). */
const CSP =
  "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

interface Asset {
  type: string;
  body: Buffer;
}

function readAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (d: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return; // not built: /ui/ answers 404
    }
    for (const e of entries) {
      const path = join(d, e.name);
      const type = TYPES[extname(e.name)];
      if (e.isDirectory()) walk(path);
      else if (e.isFile() && type)
        assets.set(relative(dir, path).split(sep).join('/'), { type, body: readFileSync(path) });
    }
  };
  walk(dir);
  // Every module announced up front: the browser fetches them at once, not import after import.
  const index = assets.get('index.html');
  if (index) {
    const links = [...assets.keys()]
      .filter((name) => name.endsWith('.js'))
      .map((name) => `<link rel="modulepreload" href="${name}" />`)
      .join('');
    index.body = Buffer.from(index.body.toString('utf8').replace('</head>', `${links}</head>`));
  }
  return assets;
}

export function webViewRoutes(app: FastifyInstance, dir = WEB_VIEW_DIR): void {
  const assets = readAssets(dir);
  app.get('/ui', async (_req, reply) => reply.redirect('/ui/'));
  app.get('/ui/*', async (req, reply) => {
    const name = (req.params as { '*': string })['*'] || 'index.html';
    const asset = assets.get(name);
    if (!asset) {
      const status = statusOf(
        new MiniKubeletError('NotFound', `no file ${name.slice(0, 200)} in the web view`),
      );
      return reply.code(404).type('application/json').send(status);
    }
    return reply
      .type(asset.type)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', CSP)
      .send(asset.body);
  });
}

import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { webViewRoutes } from '../../../api/routes/web-view';
import { Harness } from '../../helpers/harness';

describe('api/routes/web-view (/ui/)', () => {
  let dir: string;
  let app: FastifyInstance;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mk-ui-'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'main.js'), 'export {};');
    writeFileSync(join(dir, 'lib', 'a.js'), 'export const a = 1;');
    writeFileSync(join(dir, 'notes.txt'), 'not served');
    app = Fastify();
    webViewRoutes(app, dir);
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at /ui/ and the built files by their path, with a same-origin-only policy', async () => {
    const index = await app.inject({ url: '/ui/' });
    expect(index.statusCode).to.equal(200);
    expect(index.headers['content-type']).to.equal('text/html; charset=utf-8');
    expect(index.body).to.equal('<!doctype html><title>x</title>');
    expect(index.headers['content-security-policy']).to.contain("default-src 'self'");
    expect(index.headers['x-content-type-options']).to.equal('nosniff');
    const js = await app.inject({ url: '/ui/lib/a.js' });
    expect(js.headers['content-type']).to.equal('text/javascript; charset=utf-8');
    expect(js.body).to.equal('export const a = 1;');
  });

  it('redirects /ui to /ui/ and answers a NotFound Status for anything else', async () => {
    const bare = await app.inject({ url: '/ui' });
    expect(bare.statusCode).to.equal(302);
    expect(bare.headers.location).to.equal('/ui/');
    for (const url of ['/ui/notes.txt', '/ui/nope.js', '/ui/lib/..%2fmain.js']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).to.equal(404);
      expect(res.json<{ reason: string }>().reason).to.equal('NotFound');
    }
  });
});

describe('the web view behind --auth=token', () => {
  let h: Harness;
  let token: string;
  before(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock, flags: ['--auth=token'] }).start();
    token = readFileSync(join(h.dataDir, 'token'), 'utf8').trim();
  });
  after(async () => h.stop());

  it('serves the page without the token (it holds no data) and the API only with it', async () => {
    const page = await h.api.inject({ url: '/ui/' });
    expect(page.statusCode).to.be.oneOf([200, 404]); // 404 when dist/ui is not built
    expect((await h.api.inject({ url: '/api/v1/pods' })).statusCode).to.equal(401);
    const withToken = await h.api.inject({
      url: '/api/v1/pods',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(withToken.statusCode).to.equal(200);
  });

  it('lets no API path through under the /ui/ prefix (raw request lines: inject would normalize them)', async () => {
    await h.api.listen({ host: '127.0.0.1', port: 0 });
    const { port } = h.api.server.address() as AddressInfo;
    const raw = (path: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () =>
          s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`),
        );
        let out = '';
        s.on('data', (d: Buffer) => (out += d.toString()));
        s.on('end', () => resolve(out));
        s.on('error', reject);
      });
    for (const path of [
      '/ui/../api/v1/pods',
      '/ui/%2e%2e/api/v1/pods',
      '/ui/..%2fapi/v1/pods',
      '/ui/./../pods',
    ]) {
      const res = await raw(path);
      expect(res.split('\r\n')[0], path).to.equal('HTTP/1.1 404 Not Found');
      expect(res, path).not.to.contain('PodList');
    }
    expect((await raw('/api/v1/pods')).split('\r\n')[0]).to.equal('HTTP/1.1 401 Unauthorized');
  });
});

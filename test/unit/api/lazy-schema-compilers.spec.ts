import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import Fastify from 'fastify';
import { lazySchemaCompilers } from '../../../api/lazy-schema-compilers';

describe('fastify schema compilers built on first use', () => {
  it('a route with schemas still validates its body and serializes its reply', async () => {
    const app = Fastify({ schemaController: lazySchemaCompilers() });
    app.post(
      '/x',
      {
        schema: {
          body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
          response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } },
        },
      },
      async (req) => ({ n: (req.body as { n: number }).n, hidden: 'dropped by the serializer' }),
    );
    const ok = await app.inject({ method: 'POST', url: '/x', payload: { n: 2 } });
    expect(ok.statusCode).to.equal(200);
    expect(ok.json()).to.deep.equal({ n: 2 });
    const bad = await app.inject({ method: 'POST', url: '/x', payload: { n: 'two' } });
    expect(bad.statusCode).to.equal(400);
    await app.close();
  });

  it('a server without schemas never loads ajv or the fast-json-stringify compiler', () => {
    const lazy = require.resolve('../../../api/lazy-schema-compilers');
    const out = execFileSync(process.execPath, [
      '-e',
      `const Fastify = require('fastify');
       const app = Fastify({ schemaController: require(${JSON.stringify(lazy)}).lazySchemaCompilers() });
       app.get('/', async () => 'hi');
       app.ready().then(() => process.stdout.write(JSON.stringify(
         Object.keys(require.cache).filter((k) => /node_modules\\/(ajv|@fastify\\/ajv-compiler|@fastify\\/fast-json-stringify-compiler)\\//.test(k)))));`,
    ]);
    expect(JSON.parse(out.toString())).to.deep.equal([]);
  });
});

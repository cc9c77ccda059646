// fastify builds its JSON-schema compilers (ajv, fast-json-stringify) as the server is created: about 100 ms
// of a daemon's start (BENCHMARKS.md, restart with 110 pods). The API declares no route schemas, so they are
// loaded and built on first use instead, by fastify's own factories (the same compilers, just later).
import type { FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';

type Builder = (...args: unknown[]) => unknown;

/** `pkg`'s default export (a factory of builders), resolved as fastify resolves it, made at the first call. */
function lazyBuilder(pkg: string): Builder {
  let built: Builder | undefined;
  return (...args) => {
    built ??= (createRequire(require.resolve('fastify'))(pkg) as () => Builder)();
    return built(...args);
  };
}

export function lazySchemaCompilers(): NonNullable<FastifyServerOptions['schemaController']> {
  return {
    compilersFactory: {
      buildValidator: lazyBuilder('@fastify/ajv-compiler'),
      buildSerializer: lazyBuilder('@fastify/fast-json-stringify-compiler'),
    },
  } as NonNullable<FastifyServerOptions['schemaController']>;
}

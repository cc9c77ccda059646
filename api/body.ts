// Request bodies: JSON and YAML (one document, safe schema, alias expansion capped), nesting depth capped.
import type { FastifyInstance } from 'fastify';
import { parseDocument } from 'yaml';
import { MiniKubeletError } from '../agent/errors';
import { decodeProtobuf } from './protobuf';

export const BODY_LIMIT = 3 * 1024 * 1024;
const MAX_DEPTH = 100;

function depthOk(v: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (typeof v !== 'object' || v === null) return true;
  for (const child of Object.values(v as Record<string, unknown>))
    if (!depthOk(child, depth + 1)) return false;
  return true;
}

function guard(v: unknown): unknown {
  if (!depthOk(v))
    throw new MiniKubeletError('BadRequest', `the request body is nested more than ${MAX_DEPTH} levels deep`);
  return v;
}

export function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { schema: 'core', customTags: [], uniqueKeys: true, prettyErrors: false });
  // Unknown tags only warn in the yaml library; a manifest has no business using them.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) {
    throw new MiniKubeletError(
      'BadRequest',
      `error converting YAML to JSON: ${problems[0]?.message ?? 'invalid YAML'}`,
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new MiniKubeletError(
      'BadRequest',
      `error converting YAML to JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MiniKubeletError(
      'BadRequest',
      `error decoding JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  const json = (_req: unknown, body: string, done: (err: Error | null, v?: unknown) => void): void => {
    try {
      // client-node sends DELETE with Content-Type application/json and no body
      done(null, body.trim() === '' ? undefined : guard(parseJson(body)));
    } catch (err) {
      done(err as Error);
    }
  };
  const yaml = (_req: unknown, body: string, done: (err: Error | null, v?: unknown) => void): void => {
    try {
      done(null, guard(parseYaml(body)));
    } catch (err) {
      done(err as Error);
    }
  };
  const opts = { parseAs: 'string' as const, bodyLimit: BODY_LIMIT };
  app.addContentTypeParser(
    [
      'application/json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/json-patch+json',
    ],
    opts,
    json,
  );
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml', 'application/apply-patch+yaml'],
    opts,
    yaml,
  );
  app.addContentTypeParser(
    'application/vnd.kubernetes.protobuf',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
    (_req: unknown, body: Buffer, done: (err: Error | null, v?: unknown) => void): void => {
      try {
        done(null, decodeProtobuf(body));
      } catch (err) {
        done(err as Error);
      }
    },
  );
}

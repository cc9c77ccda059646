// Request bodies: JSON and YAML (one document, safe schema, alias expansion capped), nesting depth capped,
// no `__proto__` keys. YAML bodies over a few KiB are parsed on a worker thread with a time limit
// (api/yaml-worker.ts): the yaml library needs seconds for a few MiB of hostile YAML.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { MiniKubeletError } from '../agent/errors';
import type { BodyKindOf } from './body-kind';
import { goJsonSyntaxError, summarizeBody } from './go-json-syntax';
import { decodeProtobuf } from './protobuf';
import { YamlWorker } from './yaml-worker-client';

export const BODY_LIMIT = 3 * 1024 * 1024;
const MAX_DEPTH = 100;
/** Brackets open at once, counted before parsing (twice the depth limit: a string may hold some). */
const MAX_FLOW_DEPTH = 2 * MAX_DEPTH;
/** Compact nested block collections on one line (`- - - x`). */
const COMPACT_NESTING = new RegExp(`^[ \\t]*(?:[-?:][ \\t]+){${MAX_DEPTH},}`, 'm');
/** YAML bodies up to this size are parsed inline (a few ms at worst); bigger ones on the worker. */
export const INLINE_YAML_BYTES = 16 * 1024;

function depthOk(v: unknown, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (typeof v !== 'object' || v === null) return true;
  if (!Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, '__proto__')) {
    // An own `__proto__` (JSON.parse and the yaml library make one) would become a prototype in a
    // spread or merge later on; no Kubernetes object has such a field.
    throw new MiniKubeletError('BadRequest', 'the request body has a field named "__proto__"');
  }
  for (const child of Object.values(v as Record<string, unknown>))
    if (!depthOk(child, depth + 1)) return false;
  return true;
}

function guard(v: unknown): unknown {
  if (!depthOk(v))
    throw new MiniKubeletError('BadRequest', `the request body is nested more than ${MAX_DEPTH} levels deep`);
  return v;
}

const YAML_PREFIX = 'error converting YAML to JSON: ';
const yamlError = (why: string): MiniKubeletError =>
  new MiniKubeletError('BadRequest', `${YAML_PREFIX}${why}`);

/** Refuses, before the parser sees it, nesting the parser would spend seconds or its stack on. */
function precheckYaml(text: string): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_FLOW_DEPTH) throw yamlError(`more than ${MAX_FLOW_DEPTH} nested brackets`);
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  if (COMPACT_NESTING.test(text))
    throw yamlError(`collections nested more than ${MAX_DEPTH} deep on one line`);
}

/**
 * Map keys must be plain scalars and unique. The yaml library's own check (uniqueKeys) compares every pair
 * of keys: quadratic, minutes for a map of 200 000 keys; this one is a Set per map.
 */
function checkKeys(doc: Document): void {
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key;
        if (isAlias(key) || (key !== null && !isScalar(key)))
          throw yamlError('complex mapping keys are not supported');
        const text = String(isScalar(key) ? key.value : null);
        if (seen.has(text)) throw yamlError(`Map keys must be unique: "${text.slice(0, 100)}" is repeated`);
        seen.add(text);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
}

export function parseYaml(text: string): unknown {
  precheckYaml(text);
  let doc: Document;
  try {
    doc = parseDocument(text, { schema: 'core', customTags: [], uniqueKeys: false, prettyErrors: false });
  } catch (err) {
    throw yamlError(err instanceof Error ? err.message : String(err));
  }
  // Unknown tags only warn in the yaml library; a manifest has no business using them.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) throw yamlError(problems[0]?.message ?? 'invalid YAML');
  checkKeys(doc);
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw yamlError(err instanceof Error ? err.message : String(err));
  }
}

/** A YAML request body as the routes get it: parsed and guarded (depth, `__proto__`). */
export const decodeYaml = (text: string): unknown => guard(parseYaml(text));

/** How a request's body is decoded, for the words of its decode error: method, media type, kind. */
export interface BodyContext {
  method: string;
  mediaType: string;
  /** The kind the path's body decodes into, when known. */
  kind?: string | undefined;
}

/**
 * kube-apiserver's words for a body its decoder refuses: a create's or an update's through transformDecodeError
 * (`the object provided is unrecognized (must be of type Pod): <why> (<the body's start>)`), a JSON or merge
 * patch's `error decoding patch: <why>`, a strategic merge patch's bare Go error, an apply's `error decoding
 * YAML: <why>`.
 */
export function decodeErrorMessage(why: string, body: string, ctx: BodyContext): string {
  if (ctx.method === 'PATCH') {
    if (ctx.mediaType === 'application/apply-patch+yaml') return `error decoding YAML: ${why}`;
    if (ctx.mediaType === 'application/strategic-merge-patch+json') return why;
    return `error decoding patch: ${why}`;
  }
  if (!ctx.kind) return why;
  return `the object provided is unrecognized (must be of type ${ctx.kind}): ${why} (${summarizeBody(body)})`;
}

export function parseJson(text: string, ctx?: BodyContext): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const go = goJsonSyntaxError(text);
    const why =
      go === undefined
        ? `error decoding JSON: ${err instanceof Error ? err.message : String(err)}`
        : ctx?.method === 'PATCH'
          ? go
          : `couldn't get version/kind; json parse error: ${go}`;
    throw new MiniKubeletError('BadRequest', ctx ? decodeErrorMessage(why, text, ctx) : why);
  }
}

type Done = (err: Error | null, v?: unknown) => void;
type Parser<B> = (req: FastifyRequest, body: B, done: Done) => void;

/**
 * A path no route serves (or a method it does not take) is answered 404 or 405 with its body unread, as the
 * API server routes before it decodes: a body a parser refuses (a protobuf kind not in the table, bad JSON)
 * would otherwise blame the body (415, 400) for what is the path's fault.
 */
const routedFirst =
  <B>(parse: Parser<B>): Parser<B> =>
  (req, body, done) => {
    if (req.is404) done(null, undefined);
    else parse(req, body, done);
  };

export function registerBodyParsers(app: FastifyInstance, kindOf: BodyKindOf = () => undefined): void {
  app.removeAllContentTypeParsers();
  const worker = new YamlWorker();
  app.addHook('onClose', async () => worker.close());
  const context = (req: FastifyRequest): BodyContext => ({
    method: req.method,
    mediaType: (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '',
    kind: kindOf(req.url),
  });
  const json: Parser<string> = (req, body, done) => {
    try {
      // client-node sends DELETE with Content-Type application/json and no body
      done(null, body.trim() === '' ? undefined : guard(parseJson(body, context(req))));
    } catch (err) {
      done(err as Error);
    }
  };
  /** A YAML syntax error in upstream's words for the request (a guard's refusal stays as it is). */
  const yamlFailed = (req: FastifyRequest, body: string, err: Error): Error =>
    err instanceof MiniKubeletError && err.message.startsWith(YAML_PREFIX)
      ? new MiniKubeletError('BadRequest', decodeErrorMessage(err.message, body, context(req)))
      : err;
  const yaml: Parser<string> = (req, body, done) => {
    if (body.length > INLINE_YAML_BYTES) {
      worker.parse(body).then(
        (v) => done(null, v),
        (err: Error) => done(yamlFailed(req, body, err)),
      );
      return;
    }
    try {
      done(null, decodeYaml(body));
    } catch (err) {
      done(yamlFailed(req, body, err as Error));
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
    routedFirst(json),
  );
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml', 'application/apply-patch+yaml'],
    opts,
    routedFirst(yaml),
  );
  app.addContentTypeParser(
    'application/vnd.kubernetes.protobuf',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
    routedFirst<Buffer>((_req, body, done) => {
      try {
        done(null, decodeProtobuf(body));
      } catch (err) {
        done(err as Error);
      }
    }),
  );
}

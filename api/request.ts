// Request helpers shared by the routes: the namespace, typed query parameters, dryRun.
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../agent/errors';
import { DEFAULT_NAMESPACE } from '../agent/model/meta';
import { isObject } from '../agent/model/shape';
import type { DeleteOptions, PropagationPolicy } from '../agent/store/registry';

export type Req = FastifyRequest<{
  Params: Record<string, string>;
  Querystring: Record<string, string | undefined>;
}>;

/** The path's namespace, or `?namespace=` on the short curl forms, or `default`. */
export const namespaceOf = (req: Req): string =>
  req.params.namespace ?? req.query.namespace ?? DEFAULT_NAMESPACE;

/** The namespace a list is limited to: none for /api/v1/pods and the short forms without `?namespace=`. */
export const listNamespace = (req: Req): string | undefined => req.params.namespace ?? req.query.namespace;

const INT64_MAX = 2n ** 63n - 1n;

/**
 * An integer query parameter as the API server converts it (strconv.ParseInt(s, 10, 64) of the first value):
 * absent is undefined; a sign is allowed; anything else, the empty value included, is a 400 in strconv's
 * words. What a negative value means is each parameter's business.
 */
export function queryInt(value: unknown): number | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  const text = typeof first === 'string' ? first : JSON.stringify(first);
  if (!/^[+-]?\d+$/.test(text))
    throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
  const n = BigInt(text);
  if (n > INT64_MAX || n < -INT64_MAX - 1n)
    throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(text)}: value out of range`);
  return Number(n);
}

export const intParam = (req: Req, name: string): number | undefined => queryInt(req.query[name]);

/**
 * A boolean query parameter as the API server converts it: absent is false; "0" and "false" (any case) are
 * false; any other value, "" and "True" included, is true (the Python client sends `watch=True`). A repeated
 * parameter counts by its first value.
 */
export function queryBool(value: unknown): boolean {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return false;
  return !(typeof first === 'string' && (first === '0' || first.toLowerCase() === 'false'));
}

export const boolParam = (req: Req, name: string): boolean => queryBool(req.query[name]);

/** `dryRun=All` in the query (POST, PUT, PATCH, DELETE) or `"dryRun":["All"]` in DeleteOptions. */
export function isDryRun(req: Req): boolean {
  const fromBody = isObject(req.body) && Array.isArray(req.body.dryRun) ? (req.body.dryRun as unknown[]) : [];
  const values = [...(req.query.dryRun ? [req.query.dryRun] : []), ...fromBody];
  for (const v of values)
    if (v !== 'All') throw badRequest(`Invalid dryRun value: ${String(v)}; the only supported value is All`);
  return values.length > 0;
}

const POLICIES: readonly PropagationPolicy[] = ['Background', 'Foreground', 'Orphan'];

/** DeleteOptions.propagationPolicy (or the deprecated orphanDependents), checked as the API server does. */
function propagationPolicy(value: unknown, orphanDependents: unknown): PropagationPolicy | undefined {
  if (value === undefined || value === '') return orphanDependents === true ? 'Orphan' : undefined;
  if (POLICIES.includes(value as PropagationPolicy)) return value as PropagationPolicy;
  throw badRequest(
    `DeleteOptions.propagationPolicy: Unsupported value: ${JSON.stringify(value)}: supported values: "Foreground", "Background", "Orphan"`,
  );
}

/** DeleteOptions (body) with the query's gracePeriodSeconds taking precedence, as the API server reads them. */
export function deleteOptions(req: Req): Omit<DeleteOptions, 'dryRun'> {
  const body = isObject(req.body) ? req.body : {};
  const pre = isObject(body.preconditions) ? body.preconditions : {};
  const fromBody = typeof body.gracePeriodSeconds === 'number' ? body.gracePeriodSeconds : undefined;
  const given = intParam(req, 'gracePeriodSeconds') ?? fromBody;
  // "Negative values will be treated as the value `1s` on the delete path" (rest.BeforeDelete)
  const grace = given !== undefined && given < 0 ? 1 : given;
  const policy = propagationPolicy(
    req.query.propagationPolicy ?? body.propagationPolicy,
    body.orphanDependents,
  );
  return {
    ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
    ...(policy ? { propagationPolicy: policy } : {}),
    ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
    ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}),
  };
}

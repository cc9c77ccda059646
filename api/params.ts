// Path and query parameters are checked before any handler sees them: a namespace is a DNS-1123 label, an
// object name a DNS-1123 subdomain, a container name a DNS-1123 label. So nothing a client puts in a URL
// reaches the stores, the engine or a file path unchecked. A parameter given twice counts by its first value,
// as the API server reads it (url.Values.Get), but the ones that are lists (exec's `command`, port-forward's
// `ports`).
import type { FastifyInstance } from 'fastify';
import { badRequest, notFound } from '../agent/errors';
import { dns1123LabelProblems, dns1123SubdomainProblems } from '../agent/model/names';
import { RBAC_GROUP } from '../agent/model/rbac';
import { rbacNameProblems } from '../agent/model/rbac-validation';
import type { Req } from './request';

type Rule = (v: string) => string[];

/** Parameters (in the path or the query) that name things, with the rule each must follow. */
const PATH_RULES: Record<string, Rule> = { namespace: dns1123LabelProblems, name: dns1123SubdomainProblems };
const QUERY_RULES: Record<string, Rule> = {
  namespace: dns1123LabelProblems,
  container: dns1123LabelProblems,
};

function check(what: string, value: string, rule: Rule): void {
  const problems = rule(value);
  if (problems.length) {
    const shown = value.length > 300 ? `${value.slice(0, 300)}...` : value;
    throw badRequest(`${what} parameter invalid: ${JSON.stringify(shown)}: ${problems.join('; ')}`);
  }
}

/** Parameters that are lists: exec's `command` comes once per argument, port-forward's `ports` once per port. */
const REPEATABLE: ReadonlySet<string> = new Set(['command', 'ports']);

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** Resources whose names are path segments, not DNS subdomains (upstream's ValidateRBACName): `system:basic-user`. */
const PATH_SEGMENT_NAMED = new Set(['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings']);

/** Throws BadRequest for a path or query parameter that may not reach the agent. */
export function checkParams(req: Req): void {
  const params = (req.params ?? {}) as Record<string, unknown>;
  const name = params['name'];
  const route = (req.routeOptions.url ?? '').split('/');
  const resource = route[route.indexOf(':name') - 1] ?? 'objects';
  const group = route[1] === 'apis' ? (route[2] ?? '') : '';
  const nameRule =
    group === RBAC_GROUP && PATH_SEGMENT_NAMED.has(resource) ? rbacNameProblems : dns1123SubdomainProblems;
  if (typeof name === 'string' && nameRule(name).length) {
    // No object can have such a name: upstream answers NotFound (`deployments.apps "x"` under
    // /apis/apps/v1), and kubectl prints that.
    throw notFound(resource, name.length > 300 ? `${name.slice(0, 300)}...` : name, group);
  }
  for (const [k, rule] of Object.entries({ ...PATH_RULES, name: nameRule })) {
    const v = params[k];
    if (v !== undefined) check(cap(k), typeof v === 'string' ? v : JSON.stringify(v), rule);
  }
  const query = (req.query ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v) && !REPEATABLE.has(k)) query[k] = v[0];
  }
  for (const [k, rule] of Object.entries(QUERY_RULES)) {
    const v = query[k];
    // `?namespace=` (empty) means every namespace on the list forms, as kubectl's --all-namespaces does.
    if (typeof v === 'string' && v !== '') check(cap(k), v, rule);
  }
}

/** Runs checkParams on every request, after authentication and before body parsing. */
export function registerParamChecks(app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => checkParams(req as Req));
}

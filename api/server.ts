// Builds the HTTP API (no listen): body parsers, routes, and one error path that answers Status objects.
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { MiniKubeletError, errorMessage } from '../agent/errors';
import { digest, registerAuth } from './auth';
import { apiAuthorizer } from './authz/authorizer';
import { registerAuthorization } from './authz/register';
import { BODY_LIMIT, registerBodyParsers } from './body';
import { bodyKinds } from './body-kind';
import type { ApiDeps, RequestTimeout } from './deps';
import { resourceDefinitions } from './kinds';
import { lazySchemaCompilers } from './lazy-schema-compilers';
import { registerParamChecks } from './params';
import { ServedPaths } from './served-paths';
import { discoveryRoutes, mergeGroups } from './routes/discovery';
import { healthRoutes } from './routes/health';
import { webViewRoutes } from './routes/web-view';
import { metricsRoutes } from './routes/metrics';
import { metricsApiRoutes, metricsDiscovery } from './routes/metrics-api';
import { customResourceRoutes } from './routes/custom-resources';
import { CustomKinds } from './custom-resources/custom-kinds';
import { customResourceDefinitionResource } from './kinds/customresourcedefinitions';
import { APIEXTENSIONS_V1 } from '../agent/model/crd';
import { groupVersionOf } from './resources';
import { reviewsDiscovery, selfSubjectReviewRoutes } from './routes/self-subject-reviews';
import { serviceAccountTokenRoutes } from './routes/service-account-token';
import { tokenReviewDiscovery, tokenReviewRoutes } from './routes/token-review';
import { oidcDiscoveryRoutes } from './routes/oidc-discovery';
import { HTTP_STATUS, fromFrameworkError, statusOf } from './status';
import { registerStreams } from './streams/register';
import { registerResource } from './verbs';

/**
 * A client that stops sending its request (a stalled body) would hold its socket for good: upstream bounds a
 * request by --request-timeout, 1 minute. Node checks its connections every 30 s by default.
 */
export const REQUEST_TIMEOUT: RequestTimeout = { ms: 60_000, checkEveryMs: 30_000 };

export function buildServer(deps: ApiDeps): FastifyInstance {
  const timeout = deps.requestTimeout ?? REQUEST_TIMEOUT;
  // Node reads both when the server is made (Fastify's own requestTimeout is set after: not enough alone)
  const server = { connectionsCheckingInterval: timeout.checkEveryMs, requestTimeout: timeout.ms };
  const app = Fastify({
    ...(deps.tls ? { https: { key: deps.tls.key, cert: deps.tls.cert, ...server } } : { http: server }),
    requestTimeout: timeout.ms,
    logger: false,
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: 300 },
    return503OnClosing: true,
    schemaController: lazySchemaCompilers(),
    // watches and followed logs stay open; closing the server must not wait for them
    forceCloseConnections: true,
    // URLs the router cannot read (bad percent-encoding, a parameter over maxParamLength): a Status too
    frameworkErrors: (err, _req, reply: FastifyReply) => {
      const text = errorMessage(err);
      const status = statusOf(
        new MiniKubeletError('BadRequest', text.length > 300 ? `${text.slice(0, 300)}...` : text),
      );
      void reply.code(status.code).type('application/json').send(status);
    },
  });
  const served = new ServedPaths();
  // the custom resources' catch-all routes (config.dynamic) are not what makes a path served: a method the
  // built-in routes of a path do not serve stays a 405
  app.addHook('onRoute', (route) => {
    const config: { dynamic?: boolean } = route.config ?? {};
    if (!config.dynamic) served.add(route.url);
  });
  // First who the request is (api/auth.ts), then authorization (api/authz/), then the URL's names (api/params.ts),
  // then body parsing and routes.
  registerAuth(app, {
    ...(deps.apiToken !== undefined ? { token: deps.apiToken } : {}),
    serviceAccountTokens: deps.serviceAccountTokens,
    logger: deps.logger,
  });
  const kinds = resourceDefinitions(deps);
  const crds = customResourceDefinitionResource(deps) as unknown as (typeof kinds)[number];
  // no definition may take a built-in resource's names in its group
  deps.customResources.reserve(
    [...kinds, crds].map((k) => ({
      group: groupVersionOf(k).group,
      plural: k.name,
      singular: k.singularName,
      kind: k.kind,
      listKind: k.listKind,
      shortNames: k.shortNames ?? [],
    })),
  );
  const customKinds = new CustomKinds(deps);
  const authorizer = apiAuthorizer({
    rbac: deps.rbacObjects,
    openAccess: !deps.apiToken,
  });
  registerAuthorization(app, {
    authorizer,
    rbac: deps.rbacObjects,
    shortPaths: new Set(kinds.filter((k) => k.shortPath).map((k) => k.name)),
  });
  registerParamChecks(app);
  const extraGroups = mergeGroups([
    ...(deps.usage ? [metricsDiscovery] : []),
    ...reviewsDiscovery,
    tokenReviewDiscovery,
    { gv: APIEXTENSIONS_V1, defs: [crds] },
  ]);
  registerBodyParsers(app, bodyKinds([...kinds, ...extraGroups.flatMap((g) => g.defs)]));
  app.setErrorHandler((err, req, reply) => {
    const e = fromFrameworkError(err);
    const status = statusOf(e);
    if (HTTP_STATUS[e.code] >= 500)
      deps.logger.error('request failed', { method: req.method, url: req.url, error: e.message });
    else
      deps.logger.debug('request rejected', {
        method: req.method,
        url: req.url,
        code: status.code,
        reason: status.reason,
      });
    void reply.code(status.code).type('application/json').send(status);
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const error = served.has(path)
      ? new MiniKubeletError(
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        )
      : new MiniKubeletError(
          'NotFound',
          `the server could not find the requested resource (${req.method} ${path})`,
        );
    const status = statusOf(error);
    void reply.code(status.code).send(status);
  });
  app.addHook('onResponse', (req, reply, done) => {
    deps.logger.debug('request', {
      method: req.method,
      url: req.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
    done();
  });
  healthRoutes(app, deps.ready);
  webViewRoutes(app);
  discoveryRoutes(app, kinds, extraGroups, () => customKinds.groups());
  for (const kind of [...kinds, crds]) registerResource(app, deps, kind);
  customResourceRoutes(app, customKinds, (path) => served.has(path));
  selfSubjectReviewRoutes(app, authorizer);
  serviceAccountTokenRoutes(app, deps);
  tokenReviewRoutes(
    app,
    deps.apiToken !== undefined ? digest(deps.apiToken) : undefined,
    deps.serviceAccountTokens,
  );
  oidcDiscoveryRoutes(app, deps.serviceAccountTokens);
  if (deps.metrics) metricsRoutes(app, deps.metrics);
  if (deps.usage) metricsApiRoutes(app, deps, deps.usage);
  // exec, attach, port-forward: upgrades, routed through the same hooks as every request
  registerStreams(app, deps);
  return app;
}

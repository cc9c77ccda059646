// Discovery, in the legacy form (/api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>) and the
// aggregated form kubectl 1.29+ asks for first on /api and /apis (api/aggregated-discovery.ts), and the
// OpenAPI v3 documents, one per group version (api/openapi.ts), and the v2 one (routes/openapi-v2.ts); all
// built from the kinds' definitions.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MiniKubeletError } from '../../agent/errors';
import { type GroupVersion, apiVersionOf } from '../../agent/model/group-version';
import { aggregatedDiscovery, aggregatedMediaType } from '../aggregated-discovery';
import { openApiDocument, openApiHash } from '../openapi';
import { openApiV2Routes } from './openapi-v2';
import type { Req } from '../request';
import { type ResourceDefinition, groupPath, groupVersionOf } from '../resources';

export const SERVER_VERSION = {
  major: '1',
  minor: '34',
  gitVersion: 'v1.34.0',
  gitCommit: '',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: '',
  compiler: 'node',
  platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

/** The kinds of each group version served, in the definitions' order (core first when it has kinds). */
export function byGroupVersion(
  defs: readonly ResourceDefinition[],
): { gv: GroupVersion; defs: ResourceDefinition[] }[] {
  const groups = new Map<string, { gv: GroupVersion; defs: ResourceDefinition[] }>();
  for (const def of defs) {
    const gv = groupVersionOf(def);
    const key = apiVersionOf(gv);
    const entry = groups.get(key) ?? { gv, defs: [] };
    entry.defs.push(def);
    groups.set(key, entry);
  }
  return [...groups.values()];
}

/** A subresource's kind and group, when they are not its parent's (Scale of autoscaling/v1). */
export const subresourceKind = (
  r: ResourceDefinition,
  s: NonNullable<ResourceDefinition['subresources']>[number],
): { kind: string; gv: GroupVersion } => ({
  kind: s.kind ?? r.kind,
  gv: s.groupVersion ?? groupVersionOf(r),
});

export function apiResourceList(gv: GroupVersion, defs: readonly ResourceDefinition[]): object {
  const entry = (r: ResourceDefinition): object => ({
    name: r.name,
    singularName: r.singularName,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
  });
  const subresources = defs.flatMap((r) =>
    (r.subresources ?? []).map((s) => {
      const { kind, gv: sub } = subresourceKind(r, s);
      const foreign = apiVersionOf(sub) !== apiVersionOf(gv);
      return {
        name: `${r.name}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(foreign ? { group: sub.group, version: sub.version } : {}),
        kind,
        verbs: s.verbs,
      };
    }),
  );
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(gv),
    resources: [...defs.map(entry), ...subresources],
  };
}

/** A group's APIGroup: every version served of it, the first (in the definitions' order) preferred. */
const apiGroup = (gv: GroupVersion, all: readonly { gv: GroupVersion }[] = [{ gv }]): object => {
  const versions = all
    .filter((g) => g.gv.group === gv.group)
    .map((g) => ({ groupVersion: apiVersionOf(g.gv), version: g.gv.version }));
  return { name: gv.group, versions, preferredVersion: versions[0] };
};

/** One entry per group (the first version of each), for the group lists. */
const distinctGroups = <T extends { gv: GroupVersion }>(all: readonly T[]): T[] =>
  all.filter((g, i) => all.findIndex((o) => o.gv.group === g.gv.group) === i);

/** A group served by routes of its own (metrics.k8s.io): in discovery, with no generic verbs or OpenAPI. */
export interface ExtraGroup {
  gv: GroupVersion;
  defs: ResourceDefinition[];
}

/** Extra groups of one group version merged into one (a group's resources may come from several files). */
export function mergeGroups(groups: readonly ExtraGroup[]): ExtraGroup[] {
  const merged = new Map<string, ExtraGroup>();
  for (const g of groups) {
    const key = apiVersionOf(g.gv);
    const seen = merged.get(key);
    if (seen) seen.defs = [...seen.defs, ...g.defs].sort((a, b) => a.name.localeCompare(b.name));
    else merged.set(key, { gv: g.gv, defs: [...g.defs] });
  }
  return [...merged.values()];
}

export function discoveryRoutes(
  app: FastifyInstance,
  defs: readonly ResourceDefinition[],
  extra: readonly ExtraGroup[] = [],
  /** Groups that come and go while the server runs (the CRDs'): looked at on each request. */
  dynamic: () => readonly ExtraGroup[] = () => [],
): void {
  const all = byGroupVersion(defs);
  const core = all.filter((g) => !g.gv.group);
  const groups = [...all.filter((g) => g.gv.group), ...extra];
  for (const { gv, defs: kinds } of extra) {
    const list = apiResourceList(gv, kinds);
    app.get(groupPath(gv), async () => list);
    app.get(`/apis/${gv.group}`, async () => ({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(gv) }));
  }
  // The aggregated form when the client asks for it (Accept), the legacy one otherwise.
  const negotiated =
    (legacy: () => object, aggregated: () => object) =>
    async (req: Req, reply: FastifyReply): Promise<unknown> => {
      const type = aggregatedMediaType(req.headers.accept);
      if (!type) return legacy();
      const apiVersion = `apidiscovery.k8s.io/${type.version}`;
      // fastify quotes the media type's parameters (g="apidiscovery.k8s.io"); clients parse them either way
      return reply
        .type(type.mediaType)
        .header('Vary', 'Accept')
        .send({ ...aggregated(), apiVersion });
    };
  app.get('/version', async () => SERVER_VERSION);
  const coreVersions = {
    kind: 'APIVersions',
    versions: core.map((g) => g.gv.version),
    serverAddressByClientCIDRs: [],
  };
  const coreAggregated = aggregatedDiscovery(core);
  app.get(
    '/api',
    negotiated(
      () => coreVersions,
      () => coreAggregated,
    ),
  );
  const current = (): ExtraGroup[] => [...groups, ...dynamic()];
  app.get(
    '/apis',
    negotiated(
      () => {
        const now = current();
        return {
          kind: 'APIGroupList',
          apiVersion: 'v1',
          groups: distinctGroups(now).map((g) => apiGroup(g.gv, now)),
        };
      },
      () => aggregatedDiscovery(current()),
    ),
  );
  // a group (version) of a definition: the static routes above and below serve the built-in ones
  const unknown = (req: Req): MiniKubeletError =>
    new MiniKubeletError(
      'NotFound',
      `the server could not find the requested resource (GET ${req.url.split('?')[0] ?? ''})`,
    );
  app.get('/apis/:group/:version', async (req: Req) => {
    const g = dynamic().find((d) => d.gv.group === req.params.group && d.gv.version === req.params.version);
    if (!g) throw unknown(req);
    return apiResourceList(g.gv, g.defs);
  });
  app.get('/apis/:group', async (req: Req) => {
    const now = dynamic();
    const g = now.find((d) => d.gv.group === req.params.group);
    if (!g) throw unknown(req);
    return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g.gv, now) };
  });
  const openapi: Record<string, string> = {};
  for (const { gv, defs: kinds } of all) {
    const path = groupPath(gv);
    const list = apiResourceList(gv, kinds);
    app.get(path, async () => list);
    if (gv.group && distinctGroups(all).some((g) => g.gv === gv))
      app.get(`/apis/${gv.group}`, async () => ({
        kind: 'APIGroup',
        apiVersion: 'v1',
        ...apiGroup(gv, all),
      }));
    // Serialized once: with upstream's descriptions a document is some 370 kB of JSON.
    const json = JSON.stringify(openApiDocument(gv, kinds, SERVER_VERSION.gitVersion));
    // kubectl caches each document by this hash: it changes whenever the document does.
    openapi[path.slice(1)] = `/openapi/v3${path}?hash=${openApiHash(json)}`;
    const doc = Buffer.from(json);
    app.get(`/openapi/v3${path}`, async (_req, reply) =>
      reply.header('Content-Type', 'application/json; charset=utf-8').send(doc),
    );
  }
  const index = {
    paths: Object.fromEntries(Object.entries(openapi).map(([k, url]) => [k, { serverRelativeURL: url }])),
  };
  app.get('/openapi/v3', async () => index);
  openApiV2Routes(app, all, SERVER_VERSION.gitVersion);
}

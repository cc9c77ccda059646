// Aggregated discovery (apidiscovery.k8s.io v2, and v2beta1 for kubectl 1.29): every resource of every
// group version in one answer to /api or /apis, which kubectl asks for first (`Accept:
// application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,...,application/json`) so it needs
// no request per group. A client that does not ask gets the legacy form (api/routes/discovery.ts).
import { type GroupVersion } from '../agent/model/group-version';
import { type ResourceDefinition, groupVersionOf } from './resources';

const VERSIONS = ['v2', 'v2beta1'] as const;

/** The aggregated form the Accept header asks for (v2 before v2beta1), and the media type to answer with. */
export function aggregatedMediaType(
  accept: string | undefined,
): { version: (typeof VERSIONS)[number]; mediaType: string } | undefined {
  const asked = (accept ?? '')
    .split(',')
    .map((part) => part.split(';').map((p) => p.trim()))
    .filter((p) => p.includes('g=apidiscovery.k8s.io') && p.includes('as=APIGroupDiscoveryList'));
  for (const version of VERSIONS) {
    if (asked.some((p) => p.includes(`v=${version}`)))
      return {
        version,
        mediaType: `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
      };
  }
  return undefined;
}

const responseKind = (gv: GroupVersion, kind: string): object => ({
  group: gv.group,
  version: gv.version,
  kind,
});

function resource(r: ResourceDefinition): object {
  const gv = groupVersionOf(r);
  return {
    resource: r.name,
    responseKind: responseKind(gv, r.kind),
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singularName,
    verbs: r.verbs,
    ...(r.shortNames ? { shortNames: r.shortNames } : {}),
    ...(r.categories ? { categories: r.categories } : {}),
    ...(r.subresources?.length
      ? {
          subresources: r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: responseKind(s.groupVersion ?? gv, s.kind ?? r.kind),
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

/** The APIGroupDiscoveryList of these group versions (its apiVersion is the negotiated one). */
export function aggregatedDiscovery(
  groups: readonly { gv: GroupVersion; defs: ResourceDefinition[] }[],
): object {
  // A group served in several versions (autoscaling v2 and v1) is one item, its preferred version first.
  const items = new Map<string, { metadata: object; versions: object[] }>();
  for (const { gv, defs } of groups) {
    const item = items.get(gv.group) ?? { metadata: gv.group ? { name: gv.group } : {}, versions: [] };
    item.versions.push({ version: gv.version, resources: defs.map(resource), freshness: 'Current' });
    items.set(gv.group, item);
  }
  return { kind: 'APIGroupDiscoveryList', metadata: {}, items: [...items.values()] };
}

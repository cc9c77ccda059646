// The kinds a live API serves, read from its discovery documents (/api/v1 and every /apis/<group>/<version>),
// so the structural fuzzer mutates every kind served, and a kind added later is fuzzed (or, lacking a body
// in fuzz/structural.ts, reported) without anyone remembering to list it.

export interface ServedKind {
  /** `v1`, `apps/v1`. */
  apiVersion: string;
  kind: string;
  /** The resource's plural name, as in its URL. */
  plural: string;
  namespaced: boolean;
  verbs: readonly string[];
}

/** GET a discovery path and return its JSON body. */
export type GetJson = (path: string) => Promise<unknown>;

interface ResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

/** Where a kind's objects are created (or, for a read-only kind, would be). */
export const collectionPath = (k: ServedKind, namespace = 'default'): string =>
  `${k.apiVersion.includes('/') ? `/apis/${k.apiVersion}` : `/api/${k.apiVersion}`}${k.namespaced ? `/namespaces/${namespace}` : ''}/${k.plural}`;

/** Every resource (subresources left out) of every group version discovery lists, in its order. */
export async function servedKinds(get: GetJson): Promise<ServedKind[]> {
  const core = (await get('/api')) as { versions?: string[] };
  const groups = (await get('/apis')) as { groups?: { versions: { groupVersion: string }[] }[] };
  const groupVersions = [
    ...(core.versions ?? []),
    ...(groups.groups ?? []).flatMap((g) => g.versions.map((v) => v.groupVersion)),
  ];
  const kinds: ServedKind[] = [];
  for (const apiVersion of groupVersions) {
    const list = (await get(
      apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`,
    )) as ResourceList;
    for (const r of list.resources ?? [])
      if (!r.name.includes('/'))
        kinds.push({ apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced, verbs: r.verbs });
  }
  return kinds;
}

// The kinds the established CRDs define, as the API serves them: one ResourceDefinition per served version
// (discovery's entry, printer columns, where its objects are read and written), and its generic handlers,
// made when first asked for and made again when the definition changes.
import { humanAge } from '../../agent/status/print-pod';
import type {
  CrdVersion,
  CustomResource,
  CustomResourceDefinition,
  PrinterColumn,
} from '../../agent/model/crd';
import { hasStatusSubresource } from '../../agent/model/crd';
import type { ServedCustomResource } from '../../agent/crds/custom-resources';
import { pruneUnknownFields } from '../../agent/crds/schema-validation';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, age, ageColumn, metaFields, nameColumn } from '../resources';
import type { ExtraGroup } from '../routes/discovery';
import { STATUS_SUBRESOURCE, statusHandlers } from '../routes/status-subresource';
import type { ColumnDefinition } from '../table';
import { type ResourceHandlers, resourceHandlers } from '../verbs';
import { evalJsonPath } from './json-path';

export interface CustomKind {
  def: ResourceDefinition<CustomResource>;
  handlers: ResourceHandlers;
  /** The status subresource's handlers, when the version has it. */
  status?: ReturnType<typeof statusHandlers<CustomResource>>;
}

const columnOf = (c: PrinterColumn): ColumnDefinition => ({
  name: c.name,
  type: c.type,
  format: c.format ?? '',
  description: c.description ?? '',
  priority: c.priority ?? 0,
});

/** A printer column's cell: the value its path reaches (a date as an age, as upstream's table convertor). */
function cellOf(obj: CustomResource, c: PrinterColumn, now: number): unknown {
  const values = evalJsonPath(obj, c.jsonPath);
  if (!values.length) return null;
  if (c.type === 'date' && typeof values[0] === 'string') return humanAge(now - Date.parse(values[0]));
  const shown = values.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v));
  return shown.length === 1 ? shown[0] : shown.join(' ');
}

/** Discovery's and the verbs' view of one served version (no store: discovery lists it alone). */
export function customDefinition(
  crd: CustomResourceDefinition,
  version: CrdVersion,
  served?: Pick<ServedCustomResource, 'store' | 'registry'>,
): ResourceDefinition<CustomResource> {
  const names = crd.status?.acceptedNames?.plural ? crd.status.acceptedNames : crd.spec.names;
  const apiVersion = `${crd.spec.group}/${version.name}`;
  // objects are stored as written; another served version shows them under its apiVersion (conversion None)
  const atVersion = (o: CustomResource): CustomResource =>
    o.apiVersion === apiVersion ? o : { ...o, apiVersion };
  const printer = version.additionalPrinterColumns ?? [];
  const schema = version.schema?.openAPIV3Schema;
  return {
    name: names.plural,
    singularName: names.singular || names.kind.toLowerCase(),
    kind: names.kind,
    listKind: names.listKind || `${names.kind}List`,
    groupVersion: { group: crd.spec.group, version: version.name },
    namespaced: crd.spec.scope === 'Namespaced',
    verbs: ALL_VERBS,
    ...(names.shortNames?.length ? { shortNames: names.shortNames } : {}),
    ...(names.categories?.length ? { categories: names.categories } : {}),
    fields: metaFields,
    columns: [nameColumn, ...printer.map(columnOf), ...(printer.length ? [] : [ageColumn])],
    cells: (obj, now) => [
      obj.metadata.name,
      ...printer.map((c) => cellOf(obj, c, now)),
      ...(printer.length ? [] : [age(obj, now)]),
    ],
    source: {
      list: (ns) => (served?.store.list(ns) ?? []).map(atVersion),
      get: (ns, name) => {
        const o = served?.store.get(ns, name);
        return o && atVersion(o);
      },
    },
    ...(served ? { registry: served.registry } : {}),
    mergeKeys: {},
    subresources: hasStatusSubresource(version) ? [STATUS_SUBRESOURCE] : [],
    ...(schema
      ? { unknownFields: (obj: unknown, drop: boolean) => pruneUnknownFields(obj, schema, drop) }
      : {}),
  };
}

export class CustomKinds {
  private readonly made = new Map<string, { key: string; kind: CustomKind }>();

  constructor(private readonly deps: ApiDeps) {}

  /** The kind served at /apis/<group>/<version>/<plural>, or undefined. */
  lookup(group: string, version: string, plural: string): CustomKind | undefined {
    const served = this.deps.customResources.served(group, version, plural);
    if (!served) {
      this.made.delete(`${group}/${version}/${plural}`);
      return undefined;
    }
    const id = `${group}/${version}/${plural}`;
    const key = `${served.crd.metadata.uid}/${served.crd.metadata.resourceVersion}`;
    const hit = this.made.get(id);
    if (hit?.key === key) return hit.kind;
    const def = customDefinition(served.crd, served.version, served);
    const kind: CustomKind = {
      def,
      handlers: resourceHandlers(this.deps, def),
      ...(hasStatusSubresource(served.version)
        ? { status: statusHandlers(this.deps, () => def, served.registry) }
        : {}),
    };
    this.made.set(id, { key, kind });
    return kind;
  }

  /** The group versions the established definitions serve, for discovery. */
  groups(): ExtraGroup[] {
    const groups = new Map<string, ExtraGroup>();
    for (const crd of this.deps.customResources.established()) {
      for (const v of crd.spec.versions.filter((x) => x.served)) {
        const key = `${crd.spec.group}/${v.name}`;
        const g = groups.get(key) ?? { gv: { group: crd.spec.group, version: v.name }, defs: [] };
        g.defs.push(customDefinition(crd, v) as unknown as ResourceDefinition);
        groups.set(key, g);
      }
    }
    return [...groups.values()];
  }
}

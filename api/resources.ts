// A resource kind as the API serves it, described once. The static part (ResourceInfo: discovery, field
// selectors, `kubectl get` columns as upstream's printers) and the behaviour (ResourceDefinition: where
// objects are read, the kind's registry for writes, merge keys, extra routes). Each kind is one small file
// under api/kinds/ and one line in api/kinds/index.ts; the generic verbs (api/verbs.ts), discovery and the
// OpenAPI document (api/routes/discovery.ts) are built from these definitions.
import type { FastifyInstance } from 'fastify';
import { type GroupVersion, CORE_V1, apiVersionOf } from '../agent/model/group-version';
import type { Registry } from '../agent/store/registry';
import { humanAge } from '../agent/status/print-pod';
import type { StoredObject } from '../agent/store/object-store';
import type { FieldWalker } from './field-validation';
import { type ColumnDefinition, type TableSpec, column } from './table';

export interface ResourceInfo<T = StoredObject> extends TableSpec<T> {
  /** The API group and version (agent/model/group-version.ts); none: core/v1, served under /api/v1. */
  groupVersion?: GroupVersion;
  name: string;
  singularName: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  /** The fields a field selector may name, and how to read each (a missing field reads ""). */
  fields: Record<string, (obj: T) => string>;
}

/** Where the generic verbs read a kind's objects. */
export interface ObjectSource<T> {
  /** Every object, or those of one namespace. */
  list(namespace?: string): T[];
  get(namespace: string, name: string): T | undefined;
  /** Drops what has expired by the clock (events past their TTL) first, so the resourceVersion a list is
   *  served at (and cached by) is read after it. */
  expire?(): void;
}

/** A subresource as discovery lists it: its kind when it is not the parent's (`deployments/scale`: Scale). */
export interface Subresource {
  name: string;
  verbs: string[];
  kind?: string;
  groupVersion?: GroupVersion;
}

export interface ResourceDefinition<T extends StoredObject = StoredObject> extends ResourceInfo<T> {
  source: ObjectSource<T>;
  /** Writes (create, update, patch, delete); read-only kinds have none. */
  registry?: Registry<T>;
  /** Strategic merge patch: the merge key of each list field (x-kubernetes-patch-merge-key). */
  mergeKeys?: Record<string, string>;
  /** Subresources discovery lists (`pods/log`); their routes come from `routes`. */
  subresources?: Subresource[];
  /** Also served under the short curl form `/<plural>` (namespace from `?namespace=`, default `default`). */
  shortPath?: boolean;
  /** The log line (message, fields) for an object created or deleted through the API. */
  logCreated?: (obj: T) => [string, Record<string, unknown>];
  logDeleted?: (obj: T) => [string, Record<string, unknown>];
  /** What DELETE answers (default: the object as deleted or marked). */
  deleteResponse?: (obj: T) => unknown;
  /** `Accept: text/plain` on the list: a text table for curl users. */
  plainText?: (items: T[], now: number) => string;
  /** Unknown fields by a schema of the kind's own (custom resources); none: the upstream schemas. */
  unknownFields?: FieldWalker;
  /** Routes beyond the generic verbs (subresources). */
  routes?: (app: FastifyInstance, collectionPaths: string[]) => void;
}

/**
 * A kind served by plain routes of its own (metrics.k8s.io, the self-subject reviews, CRDs), described only
 * as discovery lists it: no objects, columns or field selectors.
 */
export const listedResource = (
  groupVersion: GroupVersion,
  name: string,
  kind: string,
  namespaced: boolean,
  verbs: string[],
  singularName = kind.toLowerCase(),
): ResourceDefinition => ({
  name,
  singularName,
  kind,
  listKind: `${kind}List`,
  namespaced,
  verbs,
  groupVersion,
  fields: {},
  columns: [],
  cells: () => [],
  source: { list: () => [], get: () => undefined },
});

/** A kind's group and version (core/v1 unless it names one). */
export const groupVersionOf = (info: { groupVersion?: GroupVersion }): GroupVersion =>
  info.groupVersion ?? CORE_V1;

/** `/api/v1` or `/apis/<group>/<version>`: where a group version's kinds are served. */
export const groupPath = (gv: GroupVersion): string =>
  gv.group ? `/apis/${gv.group}/${gv.version}` : `/api/${gv.version}`;

/** The apiVersion of a kind's objects and lists (`v1`, `apps/v1`). */
export const apiVersionOfInfo = (info: { groupVersion?: GroupVersion }): string =>
  apiVersionOf(groupVersionOf(info));

export const NONE = '<none>';
/** Upstream's order (sorted), as discovery lists them; `deletecollection` with `delete` for most kinds. */
export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const READ_VERBS = ['get', 'list', 'watch'];
export const nameColumn = column('Name', 'Name must be unique within a namespace.', 0, 'name');
export const ageColumn = column(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);
export const age = (o: StoredObject, now: number): string =>
  humanAge(now - Date.parse(o.metadata.creationTimestamp));
export const metaFields = {
  'metadata.name': (o: { metadata: { name: string } }): string => o.metadata.name,
  'metadata.namespace': (o: { metadata: { namespace: string } }): string => o.metadata.namespace,
};

/**
 * The table of a kind upstream prints as NAME, its own columns, AGE (endpoints, leases, configmaps, ...):
 * each column with how to read its cell.
 */
export const nameAndAge = <T extends StoredObject>(
  ...between: [ColumnDefinition, (obj: T) => unknown][]
): TableSpec<T> => ({
  columns: [nameColumn, ...between.map(([c]) => c), ageColumn],
  cells: (obj, now) => [obj.metadata.name, ...between.map(([, cell]) => cell(obj)), age(obj, now)],
});

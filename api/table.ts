// Server-side printing (meta.k8s.io/v1 Table): what `kubectl get` shows. kubectl prints the cells as they
// come (AGE included) and hides priority-1 columns unless -o wide.
import type { StoredObject } from '../agent/store/object-store';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export const column = (name: string, description: string, priority = 0, format = ''): ColumnDefinition => ({
  name,
  type: 'string',
  format,
  description,
  priority,
});

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** kubectl's Accept for human output: `application/json;as=Table;v=v1;g=meta.k8s.io,...`. */
export const wantsTable = (accept: string | undefined): boolean =>
  (accept ?? '').split(',').some((part) => /;\s*as=Table/.test(part) && /;\s*g=meta\.k8s\.io/.test(part));

export function includeObjectOf(value: string | undefined): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

function rowObject(obj: StoredObject, include: IncludeObject): object | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export interface TableSpec<T> {
  columns: ColumnDefinition[];
  cells(obj: T, now: number): unknown[];
}

export function toTable<T extends StoredObject>(
  spec: TableSpec<T>,
  items: readonly T[],
  now: number,
  o: { metadata: Record<string, unknown>; include: IncludeObject; withColumns?: boolean },
): object {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata,
    // watch events after the first leave the columns out; kubectl reuses the last ones it saw
    ...(o.withColumns === false ? {} : { columnDefinitions: spec.columns }),
    rows: items.map((obj) => {
      const object = rowObject(obj, o.include);
      return { cells: spec.cells(obj, now), ...(object ? { object } : {}) };
    }),
  };
}

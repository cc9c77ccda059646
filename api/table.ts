// Server-side printing (meta.k8s.io/v1 Table): what `kubectl get` shows. kubectl prints the cells as they
// come (AGE included) and hides priority-1 columns unless -o wide.
import type { StoredObject } from '../agent/store/object-store';
import { partialObject } from './media-type';

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

export function includeObjectOf(value: string | undefined): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

function rowObject(obj: StoredObject, include: IncludeObject, apiVersion: string): object | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return partialObject(obj, apiVersion);
}

export interface TableSpec<T> {
  columns: ColumnDefinition[];
  cells(obj: T, now: number): unknown[];
}

export function toTable<T extends StoredObject>(
  spec: TableSpec<T>,
  items: readonly T[],
  now: number,
  o: {
    metadata: Record<string, unknown>;
    include: IncludeObject;
    withColumns?: boolean;
    /** meta.k8s.io/v1 unless kubectl asked for v1beta1 */
    apiVersion?: string;
  },
): object {
  const apiVersion = o.apiVersion ?? 'meta.k8s.io/v1';
  return {
    kind: 'Table',
    apiVersion,
    metadata: o.metadata,
    // watch events after the first leave the columns out; kubectl reuses the last ones it saw
    ...(o.withColumns === false ? {} : { columnDefinitions: spec.columns }),
    rows: items.map((obj) => {
      const object = rowObject(obj, o.include, apiVersion);
      return { cells: spec.cells(obj, now), ...(object ? { object } : {}) };
    }),
  };
}

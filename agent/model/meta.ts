// Object metadata shared by every kind.
import type { ManagedFieldsEntry } from './managed-fields/managers';

export interface ObjectMeta {
  name: string;
  /** A prefix the server completes into `name` when the body has none. */
  generateName?: string;
  namespace: string;
  uid: string;
  creationTimestamp: string;
  resourceVersion: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  /** Who set which fields (api/field-manager.ts). */
  managedFields?: ManagedFieldsEntry[];
  [extra: string]: unknown;
}

export const DEFAULT_NAMESPACE = 'default';

export const podKey = (namespace: string, name: string): string => `${namespace}/${name}`;

// What a kind's write path offers the API: one object per kind that decodes a request body, fills the
// defaults, validates and stores (Pods: agent/pods/pod-registry.ts; Services: agent/services/service-registry.ts;
// Namespaces: agent/namespaces/namespace-registry.ts). The API's generic verbs call only this.
import type { ManagedFieldsEntry } from '../model/managed-fields/managers';
import type { Preconditions } from './preconditions';

export interface WriteOptions {
  /** `dryRun=All`: everything but the write. */
  dryRun?: boolean;
  /** metadata.managedFields the API computed for this write (null: none); absent: kept as the object has them. */
  managedFields?: ManagedFieldsEntry[] | null;
}

export interface UpdateOptions extends WriteOptions {
  /** metadata.resourceVersion of the body: a stale one is a Conflict. */
  expectedVersion?: string;
  /** metadata.uid of a PUT body: a precondition, another object's is a Conflict (agent/store/preconditions.ts). */
  uid?: string;
}

/** What happens to an object's dependents (ownerReferences) when it is deleted; upstream's default for
 * most kinds is Background: the owner goes at once, the garbage collector deletes the dependents after. */
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/** DeleteOptions as the API server reads them (body and query, preconditions included: every kind's delete
 * checks them first); kinds without grace ignore the rest. */
export interface DeleteOptions extends WriteOptions, Preconditions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
}

export interface Registry<T> {
  /** A new object from a request body, or a Status-ready error (Invalid, AlreadyExists, ...). */
  create(raw: unknown, namespace: string, opts?: WriteOptions): T;
  /** PUT bodies and patch results, checked against the stored object. */
  update(raw: unknown, namespace: string, name: string, opts?: UpdateOptions): T;
  /** The deleted object, or the object marked for deletion when it goes gracefully. */
  delete(namespace: string, name: string, opts?: DeleteOptions): T;
}

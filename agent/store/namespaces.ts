// Namespaces must exist (and not be terminating) before anything is created in them.
import { forbidden, notFound } from '../errors';
import { type Namespace, isTerminating, newNamespace } from '../model/namespace';
import type { ObjectStore } from './object-store';

/** Creates the namespaces that are missing (the built-in ones, or those stored objects already use). */
export function ensureNamespaces(store: ObjectStore<Namespace>, names: Iterable<string>): void {
  for (const name of names) if (name && !store.get('', name)) store.create(newNamespace(name));
}

/** Throws NotFound `namespaces "x" not found`, or Forbidden while the namespace is being deleted. */
export function requireNamespace(
  store: ObjectStore<Namespace>,
  namespace: string,
  kind: string,
  name: string,
): void {
  const ns = store.get('', namespace);
  if (!ns) throw notFound('Namespace', namespace);
  if (isTerminating(ns)) {
    throw forbidden(
      kind,
      name,
      `unable to create new content in namespace ${namespace} because it is being terminated`,
    );
  }
}

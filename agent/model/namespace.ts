// The Namespace as the API stores it. Namespaces are cluster-scoped: their metadata.namespace is ''.
import { MiniKubeletError } from '../errors';
import { fieldError, invalidError } from './field-errors';
import { generateName } from './generate-name';
import { checkMetadataMaps } from './meta-validation';
import type { ObjectMeta } from './meta';
import { dns1123LabelProblems } from './names';
import { isObject } from './shape';

export interface Namespace {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: ObjectMeta;
  spec: { finalizers?: string[] };
  status: { phase: 'Active' | 'Terminating' };
}

/** The namespaces every cluster has; the first three may not be deleted. */
export const BUILTIN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
export const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

/** The API server labels every namespace with its own name (NamespaceDefaultLabelName). */
const NAME_LABEL = 'kubernetes.io/metadata.name';

export function newNamespace(name: string, labels: Record<string, string> = {}): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      namespace: '',
      uid: '',
      creationTimestamp: '',
      resourceVersion: '',
      labels: { ...labels, [NAME_LABEL]: name },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** From a request body to a valid new Namespace, or a Status-ready error. */
export function decodeNamespace(raw: unknown): Namespace {
  if (!isObject(raw))
    throw new MiniKubeletError('BadRequest', 'the body of the request must be a Namespace object');
  if (raw.kind !== undefined && raw.kind !== 'Namespace') {
    throw new MiniKubeletError(
      'BadRequest',
      `the object provided is unrecognized (wrong kind ${JSON.stringify(raw.kind)}, expected Namespace)`,
    );
  }
  const m = isObject(raw.metadata) ? raw.metadata : {};
  const generate = typeof m.generateName === 'string' ? m.generateName : '';
  const name = typeof m.name === 'string' && m.name ? m.name : generate ? generateName(generate) : '';
  if (!name)
    throw invalidError('Namespace', '', [
      fieldError('Required', 'metadata.name', undefined, 'name or generateName is required'),
    ]);
  const problems = dns1123LabelProblems(name);
  if (problems.length)
    throw invalidError(
      'Namespace',
      name,
      problems.map((p) => fieldError('Invalid', 'metadata.name', name, p)),
    );
  checkNamespaceMetadata(name, m);
  const labels = isObject(m.labels) ? (m.labels as Record<string, string>) : {};
  const ns = newNamespace(name, labels);
  if (isObject(m.annotations)) ns.metadata.annotations = m.annotations as Record<string, string>;
  return ns;
}

/** Labels and annotations of a Namespace (new or updated): string maps, valid as any object's. */
export function checkNamespaceMetadata(name: string, m: Record<string, unknown>): void {
  checkMetadataMaps('Namespace', name, m);
}

export const isTerminating = (ns: Namespace): boolean => ns.status.phase === 'Terminating';

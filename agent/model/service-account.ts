// The ServiceAccount as the API stores it. Pods name one (spec.serviceAccountName, `default` when left out);
// its automountServiceAccountToken decides, when the pod does not, whether pods get a token volume
// (agent/pods/service-account-admission.ts, docs/kubectl.md);
// Its tokens come from the TokenRequest API and legacy token Secrets (agent/auth/, SECURITY.md).
import { type FieldError, fieldError, invalidError } from './field-errors';
import type { ObjectMeta } from './meta';
import { validateMetadataMaps } from './meta-validation';
import { dns1123SubdomainProblems } from './names';
import { decodeObject } from './pod-decode';
import { SERVICE_ACCOUNT_SHAPE, checkBodyShape, shapedCopy } from './shape';

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface ServiceAccount {
  apiVersion: 'v1';
  kind: 'ServiceAccount';
  metadata: ObjectMeta;
  secrets?: ObjectReference[];
  imagePullSecrets?: { name?: string }[];
  automountServiceAccountToken?: boolean;
}

/** The ServiceAccount kube-controller-manager keeps in every namespace. */
export const DEFAULT_SERVICE_ACCOUNT = 'default';

export const newServiceAccount = (namespace: string, name: string): ServiceAccount => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace, uid: '', creationTimestamp: '', resourceVersion: '' },
});

/** From a request body to a valid ServiceAccount, or a Status-ready error. */
export function decodeServiceAccount(raw: unknown, namespace: string): ServiceAccount {
  const obj = decodeObject(raw, 'ServiceAccount', namespace);
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const errors: FieldError[] = [];
  checkBodyShape(obj, SERVICE_ACCOUNT_SHAPE, 'ServiceAccount', 'v1', errors);
  if (errors.length) throw invalidError('ServiceAccount', name, errors);
  const sa = shapedCopy<ServiceAccount>(obj, SERVICE_ACCOUNT_SHAPE);
  delete (sa.metadata as { resourceVersion?: string }).resourceVersion;
  if (!name)
    errors.push(fieldError('Required', 'metadata.name', undefined, 'name or generateName is required'));
  for (const p of dns1123SubdomainProblems(name))
    errors.push(fieldError('Invalid', 'metadata.name', name, p));
  validateMetadataMaps(sa.metadata, errors);
  if (errors.length) throw invalidError('ServiceAccount', name, errors);
  return sa;
}

// From a request body to a defaulted, validated Ingress, IngressClass or NetworkPolicy, or a Status-ready error
// (`Ingress.networking.k8s.io "x" is invalid: ...`). An update keeps the identity and the status (an
// Ingress's status is written through its status subresource); an IngressClass's controller is immutable.
import { type FieldError, fieldError, invalidError } from './field-errors';
import { NETWORKING_V1, apiVersionOf } from './group-version';
import {
  INGRESS_CLASS_KIND,
  INGRESS_KIND,
  type Ingress,
  type IngressClass,
  NETWORKING_GROUP,
} from './ingress';
import {
  applyIngressClassDefaults,
  validateIngress,
  validateIngressClass,
  validateIngressClassUpdate,
  validateIngressCreate,
} from './ingress-validation';
import { NETWORK_POLICY_KIND, type NetworkPolicy, applyNetworkPolicyDefaults } from './network-policy';
import { validateNetworkPolicy } from './network-policy-validation';
import { decodeObject } from './pod-decode';
import { checkBodyShape, isObject, kindShape, shapedCopy } from './shape';

type Networking = Ingress | IngressClass | NetworkPolicy;

const SHAPES = {
  Ingress: kindShape(INGRESS_KIND, NETWORKING_V1),
  IngressClass: kindShape(INGRESS_CLASS_KIND, NETWORKING_V1),
  NetworkPolicy: kindShape(NETWORK_POLICY_KIND, NETWORKING_V1),
};

const networkingInvalid = (kind: Networking['kind'], name: string, errors: FieldError[]): Error =>
  invalidError(kind, name, errors, NETWORKING_GROUP);

/** The body as a typed object: shape checked, resourceVersion and (for an Ingress) status left out. */
function decodeShaped<T extends Networking>(kind: T['kind'], raw: unknown, namespace: string): T {
  const obj = decodeObject(raw, kind, namespace, apiVersionOf(NETWORKING_V1));
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const errors: FieldError[] = [];
  checkBodyShape(obj, SHAPES[kind], kind, NETWORKING_V1.version, errors);
  if (errors.length) throw networkingInvalid(kind, name, errors);
  // upstream's empty status serializes as `{loadBalancer: {}}` (a struct, never omitted)
  const body = kind === INGRESS_KIND ? { ...obj, status: { loadBalancer: {} } } : obj;
  const decoded = shapedCopy<T>(body, SHAPES[kind]);
  delete (decoded.metadata as { resourceVersion?: string }).resourceVersion;
  // Go decodes a missing spec as its zero value
  (decoded as { spec: object }).spec = { ...(decoded as { spec?: object }).spec };
  if (decoded.kind === INGRESS_CLASS_KIND) applyIngressClassDefaults(decoded);
  if (decoded.kind === NETWORK_POLICY_KIND) applyNetworkPolicyDefaults(decoded);
  return decoded;
}

function validateCreate(obj: Networking): FieldError[] {
  if (obj.kind === INGRESS_KIND) return validateIngressCreate(obj);
  return obj.kind === NETWORK_POLICY_KIND ? validateNetworkPolicy(obj) : validateIngressClass(obj);
}

/** `namespace` is '' for IngressClasses. */
export function decodeNetworking<T extends Networking>(kind: T['kind'], raw: unknown, namespace: string): T {
  const decoded = decodeShaped<T>(kind, raw, namespace);
  const invalid = validateCreate(decoded);
  if (invalid.length) throw networkingInvalid(kind, decoded.metadata.name ?? '', invalid);
  return decoded;
}

/** The body names the stored object even when it leaves metadata.name out. */
function withName(raw: unknown, name: string): unknown {
  if (!isObject(raw) || (raw.metadata != null && !isObject(raw.metadata))) return raw;
  return { ...raw, metadata: { name, ...(isObject(raw.metadata) ? raw.metadata : {}) } };
}

export function decodeNetworkingUpdate<T extends Networking>(old: T, raw: unknown): T {
  const m = old.metadata;
  const next = decodeShaped<T>(old.kind, withName(raw, m.name), m.namespace);
  const errors: FieldError[] = [];
  if (next.metadata.name !== m.name)
    errors.push(fieldError('Invalid', 'metadata.name', next.metadata.name, 'field is immutable'));
  if (next.kind === INGRESS_CLASS_KIND) errors.push(...validateIngressClassUpdate(next, old as IngressClass));
  else if (next.kind === NETWORK_POLICY_KIND) errors.push(...validateNetworkPolicy(next));
  else errors.push(...validateIngress(next));
  if (errors.length) throw networkingInvalid(old.kind, m.name, errors);
  const keep = { uid: m.uid, creationTimestamp: m.creationTimestamp, resourceVersion: m.resourceVersion };
  const status = old.kind === INGRESS_KIND ? { status: old.status } : {};
  return { ...next, metadata: { ...next.metadata, ...keep }, ...status };
}

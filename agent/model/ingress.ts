// networking.k8s.io/v1 Ingresses and IngressClasses as the API stores them. No ingress controller acts on
// them (as in a cluster without one): they are stored and validated, and status.loadBalancer stays empty
// unless a client writes it through the status subresource.
import type { ObjectMeta } from './meta';

export const NETWORKING_GROUP = 'networking.k8s.io';
export const INGRESS_KIND = 'Ingress';
export const INGRESS_CLASS_KIND = 'IngressClass';
/** The annotation that makes an IngressClass the default one (upstream's AnnotationIsDefaultIngressClass). */
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The deprecated class annotation, which may not be set with spec.ingressClassName on create. */
export const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export interface TypedLocalObjectReference {
  apiGroup?: string;
  kind: string;
  name: string;
}

export interface ServiceBackendPort {
  name?: string;
  number?: number;
}

export interface IngressServiceBackend {
  name: string;
  port?: ServiceBackendPort;
}

export interface IngressBackend {
  service?: IngressServiceBackend;
  resource?: TypedLocalObjectReference;
}

export type PathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

export interface HTTPIngressPath {
  path?: string;
  pathType?: PathType;
  backend: IngressBackend;
}

export interface IngressRule {
  host?: string;
  http?: { paths: HTTPIngressPath[] };
}

export interface IngressTLS {
  hosts?: string[];
  secretName?: string;
}

export interface IngressSpec {
  ingressClassName?: string;
  defaultBackend?: IngressBackend;
  tls?: IngressTLS[];
  rules?: IngressRule[];
}

export interface IngressPortStatus {
  port: number;
  protocol: string;
  error?: string;
}

export interface IngressLoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ports?: IngressPortStatus[];
}

export interface IngressStatus {
  loadBalancer?: { ingress?: IngressLoadBalancerIngress[] };
}

export interface Ingress {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'Ingress';
  metadata: ObjectMeta;
  spec: IngressSpec;
  status: IngressStatus;
}

export interface IngressClassParametersReference {
  apiGroup?: string;
  kind: string;
  name: string;
  scope?: string;
  namespace?: string;
}

export interface IngressClass {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'IngressClass';
  metadata: ObjectMeta;
  spec: { controller?: string; parameters?: IngressClassParametersReference };
}

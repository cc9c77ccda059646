// apiextensions.k8s.io/v1 CustomResourceDefinition: the fields this agent reads (names, scope, versions with
// their schema, subresources and printer columns) and the status it writes (conditions, acceptedNames).
import type { StoredObject } from '../store/object-store';
import type { GroupVersion } from './group-version';

export const APIEXTENSIONS_V1: GroupVersion = { group: 'apiextensions.k8s.io', version: 'v1' };
export const CRD_KIND = 'CustomResourceDefinition';

/** The OpenAPI v3 subset a CRD's schema may use (JSONSchemaProps); CEL rules (x-kubernetes-validations) are ignored. */
export interface JSONSchemaProps {
  type?: string;
  format?: string;
  description?: string;
  nullable?: boolean;
  default?: unknown;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  items?: JSONSchemaProps;
  additionalProperties?: JSONSchemaProps | boolean;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  [other: string]: unknown;
}

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: { status?: Record<string, never>; scale?: ScaleSubresource };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface CrdNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface CrdCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface CustomResourceDefinition extends StoredObject {
  spec: {
    group: string;
    names: CrdNames;
    scope: 'Namespaced' | 'Cluster';
    versions: CrdVersion[];
    conversion?: { strategy: string };
    preserveUnknownFields?: boolean;
  };
  status?: {
    conditions?: CrdCondition[];
    acceptedNames?: CrdNames;
    storedVersions?: string[];
  };
}

/** A custom resource: any object of a CRD's kind. */
export interface CustomResource extends StoredObject {
  [field: string]: unknown;
}

export const isEstablished = (crd: CustomResourceDefinition): boolean =>
  (crd.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');

export const storageVersionOf = (crd: CustomResourceDefinition): CrdVersion | undefined =>
  crd.spec.versions.find((v) => v.storage);

export const hasStatusSubresource = (v: CrdVersion | undefined): boolean =>
  v?.subresources?.status !== undefined;

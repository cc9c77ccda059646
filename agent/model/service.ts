// Service and Endpoints as the API stores them (the v1 fields this agent supports).
import type { ObjectMeta } from './meta';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ServicePort {
  name?: string;
  protocol: Protocol;
  port: number;
  targetPort: number | string;
  [extra: string]: unknown;
}

export interface ServiceSpec {
  type: 'ClusterIP';
  selector?: Record<string, string>;
  ports: ServicePort[];
  clusterIP: string;
  clusterIPs: string[];
  sessionAffinity: 'None' | 'ClientIP';
  ipFamilies: ['IPv4'];
  ipFamilyPolicy: 'SingleStack';
  internalTrafficPolicy: 'Cluster' | 'Local';
  publishNotReadyAddresses?: boolean;
  [extra: string]: unknown;
}

export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: ServiceSpec;
  status: { loadBalancer: Record<string, never> };
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: 'Pod'; name: string; namespace: string; uid: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export interface Endpoints {
  apiVersion: 'v1';
  kind: 'Endpoints';
  metadata: ObjectMeta;
  subsets?: EndpointSubset[];
}

export const isHeadless = (s: Service): boolean => s.spec.clusterIP === 'None';

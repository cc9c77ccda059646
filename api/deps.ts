// What the HTTP layer needs from the agent: stores and plain functions, no runtime.
import type { PodPolicy } from '../agent/model/pod-policy';
import type { Clock } from '../agent/clock';
import type { EventRecorder } from '../agent/events/recorder';
import type { Logger } from '../agent/log';
import type { Namespace } from '../agent/model/namespace';
import type { Pod } from '../agent/model/pod';
import type { Endpoints, Service } from '../agent/model/service';
import type { PodLogs } from '../agent/ports/pod-logs';
import type { ObjectStore } from '../agent/store/object-store';
import type { WatchHub } from '../agent/store/watch-hub';

export interface WriteOptions {
  dryRun?: boolean;
}

export interface ApiDeps {
  pods: ObjectStore<Pod>;
  services: ObjectStore<Service>;
  endpoints: ObjectStore<Endpoints>;
  namespaces: ObjectStore<Namespace>;
  /** Validates, allocates the ClusterIP and stores; throws Status-ready errors. */
  createService: (body: unknown, namespace: string, opts?: WriteOptions) => Service;
  /** PUT/PATCH results: validates against the stored Service, keeps its ClusterIP. */
  updateService: (
    body: unknown,
    namespace: string,
    name: string,
    opts?: WriteOptions & { expectedVersion?: string },
  ) => Service;
  deleteService: (namespace: string, name: string, opts?: WriteOptions) => Service;
  /** Marks the namespace Terminating and deletes what is in it. */
  deleteNamespace: (name: string, opts?: WriteOptions) => Namespace;
  watches: WatchHub;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  nodeName: string;
  /** The store's current resourceVersion, for list metadata. */
  versions: () => string;
  ready: () => Promise<boolean>;
  podLogs: PodLogs;
  /** What pods may do on this host (the allow-flags). */
  podPolicy: PodPolicy;
  /** The bearer token every request but the health probes must carry (api/auth.ts); none: no check. */
  apiToken?: string;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

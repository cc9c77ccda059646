// What the HTTP layer needs from the agent: stores and plain functions, no runtime.
import type { Clock } from '../agent/clock';
import type { EventRecorder } from '../agent/events/recorder';
import type { Logger } from '../agent/log';
import type { Pod } from '../agent/model/pod';
import type { Endpoints, Service } from '../agent/model/service';
import type { ObjectStore } from '../agent/store/object-store';
import type { PodLogs } from '../agent/sync/pod-logs';

export interface ApiDeps {
  pods: ObjectStore<Pod>;
  services: ObjectStore<Service>;
  endpoints: ObjectStore<Endpoints>;
  /** Validates, allocates the ClusterIP and stores; throws Status-ready errors. */
  createService: (body: unknown, namespace: string) => Service;
  deleteService: (namespace: string, name: string) => Service;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  nodeName: string;
  /** The store's current resourceVersion, for list metadata. */
  versions: () => string;
  ready: () => Promise<boolean>;
  podLogs: PodLogs;
}

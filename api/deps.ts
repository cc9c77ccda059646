// What the HTTP layer needs from the agent: stores and plain functions, no runtime.
import type { Clock } from '../agent/clock';
import type { EventRecorder } from '../agent/events/recorder';
import type { Logger } from '../agent/log';
import type { Pod } from '../agent/model/pod';
import type { ObjectStore } from '../agent/store/object-store';
import type { PodLogs } from '../agent/sync/pod-logs';

export interface ApiDeps {
  pods: ObjectStore<Pod>;
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
  nodeName: string;
  /** The store's current resourceVersion, for list metadata. */
  versions: () => string;
  ready: () => Promise<boolean>;
  podLogs: PodLogs;
}

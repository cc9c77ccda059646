// Kubernetes-style events (what `kubectl describe` shows): deduplicated by object, reason and message, counted,
// bounded in number, and logged.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { isoTime } from '../clock';
import type { Logger } from '../log';

export interface InvolvedObject {
  kind: string;
  name: string;
  namespace: string;
  uid: string;
  fieldPath?: string;
}

export interface KubeEvent {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    creationTimestamp: string;
    resourceVersion: string;
  };
  involvedObject: InvolvedObject & { apiVersion: 'v1' };
  reason: string;
  message: string;
  type: 'Normal' | 'Warning';
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  source: { component: string; host: string };
  reportingComponent: string;
  reportingInstance: string;
}

export class EventRecorder {
  private readonly events: KubeEvent[] = [];
  private seq = 0;
  private readonly listeners = new Set<(type: 'ADDED' | 'MODIFIED', ev: KubeEvent) => void>();

  constructor(
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      host: string;
      max?: number;
      /** The shared resourceVersion counter, so events can be listed and watched like stored objects. */
      nextVersion?: () => string;
    },
  ) {}

  /** Follows new and repeated events (the API's event watch). */
  onRecord(fn: (type: 'ADDED' | 'MODIFIED', ev: KubeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private version(): string {
    return this.deps.nextVersion?.() ?? String(this.seq);
  }

  record(obj: InvolvedObject, type: 'Normal' | 'Warning', reason: string, message: string): KubeEvent {
    const now = isoTime(this.deps.clock.now());
    const same = this.events.find(
      (e) =>
        e.involvedObject.uid === obj.uid &&
        e.reason === reason &&
        e.message === message &&
        e.involvedObject.fieldPath === obj.fieldPath,
    );
    this.seq++;
    const fields = {
      object: `${obj.kind}/${obj.namespace}/${obj.name}`,
      fieldPath: obj.fieldPath,
      reason,
      detail: message,
    };
    if (same) {
      this.deps.logger.debug('event repeated', { ...fields, count: same.count + 1 });
      same.count++;
      same.lastTimestamp = now;
      same.metadata.resourceVersion = this.version();
      for (const fn of this.listeners) fn('MODIFIED', same);
      return same;
    }
    if (type === 'Warning') this.deps.logger.warn('event', fields);
    else this.deps.logger.info('event', fields);
    const ev: KubeEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${obj.name}.${(this.deps.clock.now() * 1000 + (this.seq % 1000)).toString(16)}`,
        namespace: obj.namespace,
        uid: randomUUID(),
        creationTimestamp: now,
        resourceVersion: this.version(),
      },
      involvedObject: { apiVersion: 'v1', ...obj },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: 'kubelet', host: this.deps.host },
      reportingComponent: 'kubelet',
      reportingInstance: this.deps.host,
    };
    this.events.push(ev);
    const max = this.deps.max ?? 2000;
    if (this.events.length > max) this.events.splice(0, this.events.length - max);
    for (const fn of this.listeners) fn('ADDED', ev);
    return ev;
  }

  list(filter: { namespace?: string; uid?: string } = {}): KubeEvent[] {
    return this.events.filter(
      (e) =>
        (!filter.namespace || e.metadata.namespace === filter.namespace) &&
        (!filter.uid || e.involvedObject.uid === filter.uid),
    );
  }

  forget(uid: string): void {
    for (let i = this.events.length - 1; i >= 0; i--) {
      if (this.events[i]?.involvedObject.uid === uid) this.events.splice(i, 1);
    }
  }
}

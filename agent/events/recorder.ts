// Kubernetes-style events (what `kubectl describe` shows): deduplicated by object, reason and message, counted,
// bounded in number, and logged.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { isoTime } from '../clock';
import { errorMessage } from '../errors';
import type { Logger } from '../log';

export interface InvolvedObject {
  /** `v1` unless said (`apps/v1` for a Deployment). */
  apiVersion?: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
  fieldPath?: string;
}

/** The event's reference to a stored object (its controller's, a claim's). */
export const involvedObjectOf = (o: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid: string };
}): InvolvedObject => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name,
  namespace: o.metadata.namespace,
  uid: o.metadata.uid,
});

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
  involvedObject: InvolvedObject & { apiVersion: string };
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

/** Where events outlive the process (SQLite in the daemon), bounded by its own retention. */
export interface EventSink {
  /** The newest `limit` events, oldest first. */
  loadEvents(limit: number): KubeEvent[];
  /** New and repeated events (a repeat replaces the stored one with the same uid). */
  saveEvents(events: KubeEvent[]): void;
  forgetEvents(involvedUid: string): void;
}

/** DELETED: forgotten with its pod, or dropped for the bound (watchers and the watch hub must let it go). */
export type EventChange = 'ADDED' | 'MODIFIED' | 'DELETED';

export class EventRecorder {
  private readonly events: KubeEvent[] = [];
  private seq = 0;
  /** Recorded but not yet in the sink: written together once the current task is done. */
  private readonly pending = new Map<string, KubeEvent>();
  private flushing: NodeJS.Immediate | undefined;
  private readonly listeners = new Set<(type: EventChange, ev: KubeEvent) => void>();

  constructor(
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      host: string;
      max?: number;
      /** The shared resourceVersion counter, so events can be listed and watched like stored objects. */
      nextVersion?: () => string;
      sink?: EventSink;
    },
  ) {
    if (deps.sink) this.events.push(...deps.sink.loadEvents(deps.max ?? 2000));
  }

  private persist(ev: KubeEvent): void {
    if (!this.deps.sink) return;
    this.pending.set(ev.metadata.uid, ev);
    this.flushing ??= setImmediate(() => this.flush());
  }

  /** Writes the events waiting for the sink (one transaction); `stop` calls it before the database closes. */
  flush(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    if (!this.deps.sink || this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    try {
      this.deps.sink.saveEvents(batch);
    } catch (err) {
      this.deps.logger.warn('could not store events', { events: batch.length, error: errorMessage(err) });
    }
  }

  /** Follows new, repeated and removed events (the API's event watch). */
  onRecord(fn: (type: EventChange, ev: KubeEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private version(): string {
    return this.deps.nextVersion?.() ?? String(this.seq);
  }

  /** `component`: who reports it (`kubelet` unless a controller says). */
  record(
    obj: InvolvedObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component = 'kubelet',
  ): KubeEvent {
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
      this.persist(same);
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
      source: { component, host: this.deps.host },
      reportingComponent: component,
      reportingInstance: this.deps.host,
    };
    this.events.push(ev);
    const max = this.deps.max ?? 2000;
    const dropped = this.events.length > max ? this.events.splice(0, this.events.length - max) : [];
    this.persist(ev);
    for (const fn of this.listeners) fn('ADDED', ev);
    this.deleted(dropped);
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
    const gone: KubeEvent[] = [];
    for (let i = this.events.length - 1; i >= 0; i--) {
      if (this.events[i]?.involvedObject.uid === uid) gone.unshift(...this.events.splice(i, 1));
    }
    for (const [key, ev] of this.pending) if (ev.involvedObject.uid === uid) this.pending.delete(key);
    this.deps.sink?.forgetEvents(uid);
    this.deleted(gone);
  }

  /** Tells the listeners these events are gone, each at a new version as a store's DELETED is. */
  private deleted(gone: readonly KubeEvent[]): void {
    for (const ev of gone) {
      ev.metadata.resourceVersion = this.version();
      for (const fn of this.listeners) fn('DELETED', ev);
    }
  }
}

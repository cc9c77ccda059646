// Kubernetes-style events (what `kubectl describe` shows): deduplicated by object, reason and message, counted,
// bounded in number, and logged. As kube-apiserver keeps them (--event-ttl), an event outlives its object and
// goes once it has not been seen for the TTL; expiry is read off the clock when events are recorded or listed,
// so no timer holds the process.
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
  /** Empty for events recorded through events.k8s.io (the scheduler's): then the reporting fields say who. */
  source: { component?: string; host?: string };
  reportingComponent: string;
  reportingInstance: string;
}

/** Where events outlive the process (SQLite in the daemon), bounded by its own retention. */
export interface EventSink {
  /** The newest `limit` events, oldest first. */
  loadEvents(limit: number): KubeEvent[];
  /** New and repeated events (a repeat replaces the stored one with the same uid). */
  saveEvents(events: KubeEvent[]): void;
  /** Deletes these events (by their uid): expired. */
  forgetEvents(uids: readonly string[]): void;
}

/** The component kube-scheduler reports as. */
export const SCHEDULER = 'default-scheduler';

/** kube-apiserver's --event-ttl default. */
export const DEFAULT_EVENT_TTL_MS = 3_600_000;

/** DELETED: expired, or dropped for the bound (watchers and the watch hub must let it go). */
export type EventChange = 'ADDED' | 'MODIFIED' | 'DELETED';

export class EventRecorder {
  private readonly events: KubeEvent[] = [];
  private seq = 0;
  /** Recorded but not yet in the sink: written together once the current task is done. */
  private readonly pending = new Map<string, KubeEvent>();
  private flushing: NodeJS.Immediate | undefined;
  private readonly listeners = new Set<(type: EventChange, ev: KubeEvent) => void>();
  /** No event was last seen before this (a repeat only moves one later): until the TTL passes it, none expired. */
  private oldestSeen = Infinity;

  constructor(
    private readonly deps: {
      clock: Clock;
      logger: Logger;
      host: string;
      max?: number;
      /** The shared resourceVersion counter, so events can be listed and watched like stored objects. */
      nextVersion?: () => string;
      sink?: EventSink;
      /** How long an event is kept after it was last seen (--event-ttl). */
      ttlMs?: number;
    },
  ) {
    if (deps.sink) {
      this.events.push(...deps.sink.loadEvents(deps.max ?? 2000));
      this.oldestSeen = oldest(this.events);
      this.expire(); // those that expired while the daemon was down; no listener yet
    }
  }

  /** Events last seen at this time or before have expired. */
  private cutoff(): number {
    return this.deps.clock.now() - (this.deps.ttlMs ?? DEFAULT_EVENT_TTL_MS);
  }

  /** Drops the expired events, in memory and in the sink, and tells the listeners (recording and listing do). */
  expire(): void {
    const cutoff = this.cutoff();
    if (this.oldestSeen > cutoff) return;
    this.drop((e) => seenBy(e, cutoff));
  }

  /** Drops a deleted namespace's events, as upstream's namespace controller deletes them with the rest. */
  forgetNamespace(namespace: string): void {
    this.drop((e) => e.metadata.namespace === namespace);
  }

  private drop(goes: (e: KubeEvent) => boolean): void {
    const gone = this.events.filter(goes);
    if (gone.length === 0) return;
    const kept = this.events.filter((e) => !goes(e));
    this.events.splice(0, this.events.length, ...kept);
    this.oldestSeen = oldest(kept);
    for (const ev of gone) this.pending.delete(ev.metadata.uid);
    try {
      this.deps.sink?.forgetEvents(gone.map((e) => e.metadata.uid));
    } catch (err) {
      this.deps.logger.warn('could not delete events', { events: gone.length, error: errorMessage(err) });
    }
    this.deleted(gone);
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
    this.expire();
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
      ...reporter(component, this.deps.host),
    };
    this.events.push(ev);
    this.oldestSeen = Math.min(this.oldestSeen, Date.parse(now));
    const max = this.deps.max ?? 2000;
    const dropped = this.events.length > max ? this.events.splice(0, this.events.length - max) : [];
    this.persist(ev);
    for (const fn of this.listeners) fn('ADDED', ev);
    this.deleted(dropped);
    return ev;
  }

  list(filter: { namespace?: string; uid?: string } = {}): KubeEvent[] {
    this.expire();
    return this.events.filter(
      (e) =>
        (!filter.namespace || e.metadata.namespace === filter.namespace) &&
        (!filter.uid || e.involvedObject.uid === filter.uid),
    );
  }

  /** Tells the listeners these events are gone, each at a new version as a store's DELETED is. */
  private deleted(gone: readonly KubeEvent[]): void {
    for (const ev of gone) {
      ev.metadata.resourceVersion = this.version();
      for (const fn of this.listeners) fn('DELETED', ev);
    }
  }
}

/**
 * Who an event says reported it. The scheduler records through events.k8s.io, whose events read as core/v1
 * have no source, and names itself `default-scheduler-<host>`; the kubelet and the controllers through core/v1.
 */
function reporter(
  component: string,
  host: string,
): Pick<KubeEvent, 'source' | 'reportingComponent' | 'reportingInstance'> {
  if (component === SCHEDULER)
    return { source: {}, reportingComponent: component, reportingInstance: `${component}-${host}` };
  return { source: { component, host }, reportingComponent: component, reportingInstance: host };
}

const seenBy = (ev: KubeEvent, time: number): boolean => Date.parse(ev.lastTimestamp) <= time;
const oldest = (events: readonly KubeEvent[]): number =>
  events.reduce((min, e) => Math.min(min, Date.parse(e.lastTimestamp)), Infinity);

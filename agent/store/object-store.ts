// Desired state: API objects by kind and namespace/name, with a monotonic resourceVersion and change
// notifications. Persistence is pluggable (SQLite in the daemon, none in unit tests).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import { isoTime } from '../clock';
import { alreadyExists, conflict, notFound } from '../errors';
import { fieldError, invalidError } from '../model/field-errors';
import { groupOf } from '../model/group-version';
import type { ObjectMeta } from '../model/meta';
import { checkPreconditions } from './preconditions';
import { sameContent } from './same-content';
import type { WriteOptions } from './registry';

export interface StoredObject {
  kind: string;
  apiVersion: string;
  metadata: ObjectMeta;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface Change<T> {
  type: ChangeType;
  object: T;
}

/** `counter` is the resourceVersion counter after the change, kept in the same transaction as the object. */
export interface Persistence {
  load(kind: string): StoredObject[];
  save(kind: string, obj: StoredObject, counter?: number): void;
  remove(kind: string, obj: StoredObject, counter?: number): void;
}

export const noPersistence: Persistence = { load: () => [], save: () => undefined, remove: () => undefined };

/** Keeps the resourceVersion counter across restarts, so it never goes backwards. */
export interface CounterStore {
  loadCounter(): number;
  /** Told every new value (also those no object write carries, such as status updates and events). */
  saveCounter(value: number): void;
}

export class ResourceVersions {
  private value: number;
  constructor(
    start = 0,
    private readonly durable?: CounterStore,
  ) {
    this.value = Math.max(start, durable?.loadCounter() ?? 0);
  }
  next(): string {
    this.value++;
    this.durable?.saveCounter(this.value);
    return String(this.value);
  }
  bump(seen: string): void {
    const n = Number(seen);
    if (Number.isFinite(n) && n > this.value) this.value = n;
  }
  get current(): string {
    return String(this.value);
  }
}

/**
 * The kinds whose upstream registry keeps metadata.generation (set to 1 on create, bumped when the spec
 * changes); the others (ConfigMap, Secret, Service, Namespace...) carry none. `Thing` is the tests' kind.
 */
const TRACKS_GENERATION: ReadonlySet<string> = new Set([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'Job',
  'CronJob',
  'Ingress',
  'NetworkPolicy',
  'IngressClass',
  'PodDisruptionBudget',
  'PriorityClass',
  'Thing',
]);

export class ObjectStore<T extends StoredObject> {
  private readonly objects = new Map<string, T>();
  private readonly listeners = new Set<(c: Change<T>) => void>();

  private readonly generation: boolean;

  /** `group`: the kind's API group (`apps`), which qualifies its errors (`deployments.apps "d" not found`);
   *  `tracksGeneration`: keep metadata.generation for a kind not in TRACKS_GENERATION (custom resources). */
  constructor(
    readonly kind: string,
    private readonly deps: { clock: Clock; versions: ResourceVersions; persistence: Persistence },
    readonly group = '',
    options: { tracksGeneration?: boolean } = {},
  ) {
    this.generation = options.tracksGeneration === true || TRACKS_GENERATION.has(kind);
    for (const obj of deps.persistence.load(kind) as T[]) {
      this.objects.set(key(obj.metadata.namespace, obj.metadata.name), obj);
      deps.versions.bump(obj.metadata.resourceVersion);
    }
  }

  onChange(fn: (c: Change<T>) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(type: ChangeType, object: T): void {
    for (const fn of this.listeners) fn({ type, object });
  }

  get(namespace: string, name: string): T | undefined {
    return this.objects.get(key(namespace, name));
  }

  mustGet(namespace: string, name: string): T {
    const obj = this.get(namespace, name);
    if (!obj) throw notFound(this.kind, name, this.group);
    return obj;
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    const out = namespace ? all.filter((o) => o.metadata.namespace === namespace) : all;
    return out.sort(
      (a, b) =>
        a.metadata.namespace.localeCompare(b.metadata.namespace) ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
  }

  /**
   * Stores a new object: fills uid, creationTimestamp, resourceVersion and generation, then lets `prepare`
   * fill what derives from them. A dry run fills the same fields except resourceVersion (as the API server's
   * dry run does) and stores nothing.
   */
  create(obj: T, opts: WriteOptions & { prepare?: (obj: T) => void } = {}): T {
    const m = obj.metadata;
    setManagedFields(m, opts.managedFields);
    const k = key(m.namespace, m.name);
    if (this.objects.has(k)) throw alreadyExists(this.kind, m.name, this.group);
    m.uid = randomUUID();
    m.creationTimestamp = isoTime(this.deps.clock.now());
    if (this.generation) m.generation = 1;
    else delete m.generation;
    // A new object is not being deleted, whatever the body said (a manifest saved from a terminating one)
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
    opts.prepare?.(obj); // what needs the uid (a Job's generated selector)
    if (opts.dryRun) return obj;
    m.resourceVersion = this.deps.versions.next();
    this.deps.persistence.save(this.kind, obj, Number(m.resourceVersion));
    this.objects.set(k, obj);
    this.emit('ADDED', obj);
    return obj;
  }

  /**
   * Replaces a stored object; one that equals it (resourceVersion, generation and managedFields times
   * aside) is not written and the stored one is returned. `specChanged` bumps generation. Every write that changes more than status
   * (spec, labels, annotations, owners...) is persisted; status-only updates stay in memory (status is
   * rebuilt from the engine after a restart). A stale resourceVersion or a failed uid precondition is a
   * Conflict; another uid without one (a patch changed it) is Invalid, as upstream's metadata validation.
   */
  update(
    obj: T,
    opts: {
      specChanged: boolean;
      expectedVersion?: string;
      /** A PUT body's uid: a precondition (agent/store/preconditions.ts). */
      uid?: string;
      dryRun?: boolean;
      /** true: persisted whatever changed; false: kept in memory only (a heartbeat) */ persist?: boolean;
      managedFields?: WriteOptions['managedFields'];
    },
  ): T {
    const m = obj.metadata;
    setManagedFields(m, opts.managedFields);
    const old = this.mustGet(m.namespace, m.name);
    // before the identity below is written: a caller's copy may share old's metadata object
    const persist = opts.persist ?? (opts.specChanged || !sameApartFromStatus(obj, old));
    if (opts.uid !== undefined) checkPreconditions(old, { uid: opts.uid });
    if (m.uid && m.uid !== old.metadata.uid) throw uidChanged(obj);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== old.metadata.resourceVersion) {
      throw conflict(
        this.kind,
        m.name,
        'the object has been modified; please apply your changes to the latest version and try again',
        this.group,
      );
    }
    m.uid = old.metadata.uid;
    m.creationTimestamp = old.metadata.creationTimestamp;
    if (this.generation) m.generation = (old.metadata.generation ?? 1) + (opts.specChanged ? 1 : 0);
    else delete m.generation;
    // nothing to write: the stored object as it is, no new resourceVersion, no watch event (as upstream)
    if (obj !== old && sameContent(obj, old)) return old;
    if (opts.dryRun) {
      m.resourceVersion = old.metadata.resourceVersion;
      return obj;
    }
    m.resourceVersion = this.deps.versions.next();
    if (persist) this.deps.persistence.save(this.kind, obj, Number(m.resourceVersion));
    this.objects.set(key(m.namespace, m.name), obj);
    this.emit('MODIFIED', obj);
    return obj;
  }

  remove(namespace: string, name: string): T {
    const obj = this.mustGet(namespace, name);
    const version = this.deps.versions.next();
    this.deps.persistence.remove(this.kind, obj, Number(version)); // first: a failed write changes nothing
    this.objects.delete(key(namespace, name));
    obj.metadata.resourceVersion = version;
    this.emit('DELETED', obj);
    return obj;
  }
}

/** rest.BeforeUpdate keeps the stored uid when none is given; ValidateObjectMetaUpdate refuses another. */
const uidChanged = (obj: StoredObject): Error =>
  invalidError(
    obj.kind,
    obj.metadata.name,
    [fieldError('Invalid', 'metadata.uid', obj.metadata.uid, 'field is immutable')],
    groupOf(obj.apiVersion),
  );

/** The API's managed fields for a write replace what the object carried (null: none). */
function setManagedFields(m: ObjectMeta, given: WriteOptions['managedFields']): void {
  if (given === null) delete m['managedFields'];
  else if (given !== undefined) m['managedFields'] = given;
}

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

/** Equal but for status and the identity the store writes itself (resourceVersion, generation...). */
function sameApartFromStatus(a: StoredObject, b: StoredObject): boolean {
  return withoutStatus(a) === withoutStatus(b);
}

function withoutStatus(o: StoredObject): string {
  const { status: _status, metadata, ...rest } = o as StoredObject & { status?: unknown };
  const { resourceVersion: _rv, generation: _g, uid: _u, creationTimestamp: _c, ...meta } = metadata;
  return JSON.stringify({ ...rest, metadata: meta });
}

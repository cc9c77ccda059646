// Static pods (--pod-manifest-path): does what planStaticPods says, on the pod store the sync loop runs
// from. Each static pod is stored as its mirror pod (`<name>-<node>`, upstream's config annotations, owned
// by the Node), so the API shows it and the sync loop runs it under its config hash (runtimePod). A mirror
// deleted through the API is recreated at once with a new uid, its containers untouched, as the kubelet
// recreates a deleted mirror pod. Bad files are logged and reported once per file and error; nothing
// thrown here reaches the daemon.
import { type Clock, isoTime } from '../clock';
import { errorMessage } from '../errors';
import type { EventRecorder } from '../events/recorder';
import type { Logger } from '../log';
import { markDeleting } from '../model/deletion';
import { DEFAULT_NAMESPACE } from '../model/meta';
import type { Namespace } from '../model/namespace';
import type { Node } from '../model/node';
import type { Pod } from '../model/pod';
import { CONFIG_SEEN, mirrorHash } from '../model/static-pod';
import type { ObjectStore } from '../store/object-store';
import { type ManifestContext, type ManifestText, type StaticManifest, parseManifest } from './manifest';
import { type StaticPodAction, planStaticPods } from './plan-static-pods';

export interface StaticPodControllerDeps extends ManifestContext {
  store: ObjectStore<Pod>;
  nodes: Pick<ObjectStore<Node>, 'get'>;
  namespaces: Pick<ObjectStore<Namespace>, 'get'>;
  events: Pick<EventRecorder, 'record'>;
  clock: Clock;
  logger: Logger;
}

export class StaticPodController {
  private manifests: StaticManifest[] = [];
  /** What was last reported per file, so a bad file is reported when it turns bad, not at each scan. */
  private reported = new Map<string, string>();
  private unsubscribe: (() => void) | undefined;
  private running = false;

  constructor(private readonly deps: StaticPodControllerDeps) {}

  start(): void {
    this.running = true;
    // A replaced pod's old mirror is gone: its successor can be created now (outside the store's emit).
    this.unsubscribe = this.deps.store.onChange(({ type, object }) => {
      if (type === 'DELETED' && mirrorHash(object) !== undefined) queueMicrotask(() => this.reconcile());
    });
  }

  /** No more creates or recreations (on stop, and before --delete-pods-on-exit deletes every pod). */
  stop(): void {
    this.running = false;
    this.unsubscribe?.();
  }

  /** The watcher's scan: every file of the directory. */
  apply(files: readonly ManifestText[]): void {
    this.manifests = files.map((f) => parseManifest(f, this.deps));
    this.reconcile();
  }

  reconcile(): void {
    if (!this.running) return;
    const actions = planStaticPods(this.manifests, this.deps.store.list());
    const problems = new Map<string, string>();
    for (const a of actions) {
      try {
        const problem = this.run(a);
        if (problem) problems.set('path' in a ? a.path : a.name, problem);
      } catch (err) {
        this.deps.logger.error('static pod action failed', { action: a.type, error: errorMessage(err) });
      }
    }
    for (const [path, message] of problems) {
      if (this.reported.get(path) === message) continue;
      this.deps.logger.warn('could not process manifest file', { path, error: message });
      this.nodeEvent('FailedValidation', message);
    }
    this.reported = problems;
  }

  /**
   * The registry's answer to DELETE of a mirror pod: true when it was recreated (a new uid, the same
   * static pod, nothing restarted); false when no manifest wants it any more, and the delete goes on.
   */
  recreateMirror(pod: Pod): boolean {
    const hash = mirrorHash(pod);
    if (!this.running || hash === undefined) return false;
    if (!this.manifests.some((m) => 'hash' in m && m.hash === hash)) return false;
    const { store } = this.deps;
    store.remove(pod.metadata.namespace, pod.metadata.name);
    const { deletionTimestamp: _d, deletionGracePeriodSeconds: _g, ...meta } = pod.metadata;
    store.create({ ...pod, metadata: { ...meta, uid: '', resourceVersion: '' } });
    this.deps.logger.info('mirror pod recreated', { pod: `${meta.namespace}/${meta.name}` });
    return true;
  }

  /** Does one action; a problem worth reporting comes back as its message. */
  private run(a: StaticPodAction): string | undefined {
    const { store, clock, logger } = this.deps;
    switch (a.type) {
      case 'create':
        return this.create(a.path, a.pod);
      case 'delete': {
        const pod = store.get(a.namespace, a.name);
        if (!pod) return undefined;
        logger.info('static pod deleted', { pod: `${a.namespace}/${a.name}`, reason: a.reason });
        const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
        store.update(markDeleting(pod, clock.now(), grace), { specChanged: false, persist: true });
        return undefined;
      }
      case 'invalid':
        return `Could not process manifest file "${a.path}": ${a.error}`;
      case 'duplicate':
        // upstream's FailedValidation event (pkg/kubelet/config/config.go filterInvalidPods)
        return `Error validating pod ${a.name}_${a.namespace} from file "${a.path}" due to duplicate pod name "${a.name}" (kept "${a.keptPath}"), ignoring`;
      case 'conflict':
        return `Could not run static pod from "${a.path}": pods "${a.name}" already exists in namespace "${a.namespace}" and is not a mirror pod`;
    }
  }

  private create(path: string, desired: Pod): string | undefined {
    const { store, clock, nodes, namespaces, nodeName } = this.deps;
    const ns = desired.metadata.namespace;
    if (!namespaces.get('', ns))
      return `Could not run static pod from "${path}": namespaces "${ns}" not found`;
    const pod = structuredClone(desired);
    pod.metadata.annotations = { ...pod.metadata.annotations, [CONFIG_SEEN]: isoTime(clock.now()) };
    const node = nodes.get('', nodeName);
    // As upstream's mirror pods (pkg/kubelet/pod/mirror_client.go): owned by the Node they run on.
    if (node)
      pod.metadata['ownerReferences'] = [
        { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: node.metadata.uid },
      ];
    store.create(pod);
    this.deps.logger.info('static pod created', { pod: `${ns}/${pod.metadata.name}`, path });
    return undefined;
  }

  private nodeEvent(reason: string, message: string): void {
    const node = this.deps.nodes.get('', this.deps.nodeName);
    this.deps.events.record(
      { kind: 'Node', name: this.deps.nodeName, namespace: DEFAULT_NAMESPACE, uid: node?.metadata.uid ?? '' },
      'Warning',
      reason,
      message,
    );
  }
}

// "Why is my pod stuck?": a pod (often an init container waiting for a dependency) keeps looking up a
// Service that does not exist. The DNS server notices the repeated misses; this turns them into the
// Warning event `kubectl describe pod` shows, on the container that asks.
import type { EventRecorder } from '../events/recorder';
import type { Pod } from '../model/pod';
import type { ObjectStore } from '../store/object-store';
import { fieldPath, podRef } from '../sync/executor';

/** The pod that asked, as the DNS server knows it (its PodRecord satisfies this). */
export interface Asker {
  name: string;
  namespace: string;
  /** The init container running when it asked, if the pod is still initializing. */
  initContainer?: string;
}

/** The event text for lookups of qname (`<service>.<namespace>.svc.<zone>`) that find no Service. */
export function serviceNotFoundMessage(who: Asker, qname: string): string {
  const [svc, ns] = qname.split('.');
  const actor = who.initContainer ? `init container ${who.initContainer}` : `pod ${who.name}`;
  return `${actor}: lookups of ${qname} fail: no Service ${svc} in namespace ${ns}`;
}

/** Records a ServiceNotFound Warning on the asking pod (or its init container); pods gone are ignored. */
export function serviceNotFoundReporter(deps: {
  pods: ObjectStore<Pod>;
  events: EventRecorder;
}): (who: Asker, qname: string) => void {
  return (who, qname) => {
    const pod = deps.pods.get(who.namespace, who.name);
    if (!pod) return;
    const path = who.initContainer ? fieldPath('init', who.initContainer) : undefined;
    deps.events.record(podRef(pod, path), 'Warning', 'ServiceNotFound', serviceNotFoundMessage(who, qname));
  };
}

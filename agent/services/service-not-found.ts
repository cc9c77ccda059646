// "Why is my pod stuck?": a pod (often an init container waiting for a dependency) keeps looking up a
// Service that does not exist. The DNS server notices the repeated misses; this turns them into the
// Warning event `kubectl describe pod` shows, on the container that asks.
import type { EventRecorder } from '../events/recorder';
import type { Pod } from '../model/pod';
import type { RunningInitContainer } from '../ports/running-init';
import type { ObjectStore } from '../store/object-store';
import { fieldPath, podRef } from '../sync/executor';
import { runtimePod } from '../model/static-pod';

/** The pod that asked, as the DNS server knows it (its PodRecord satisfies this). */
export interface Asker {
  name: string;
  namespace: string;
}

/** The event text for lookups of qname (`<service>.<namespace>.svc.<zone>`) that find no Service. */
export function serviceNotFoundMessage(
  pod: string,
  initContainer: string | undefined,
  qname: string,
): string {
  const [svc, ns] = qname.split('.');
  const actor = initContainer ? `init container ${initContainer}` : `pod ${pod}`;
  return `${actor}: lookups of ${qname} fail: no Service ${svc} in namespace ${ns}`;
}

/**
 * Records a ServiceNotFound Warning on the asking pod, or on its init container when the runtime runs one
 * now (never from the pod's status, which lags: issue 18); pods gone are ignored.
 */
export function serviceNotFoundReporter(deps: {
  pods: ObjectStore<Pod>;
  events: EventRecorder;
  runningInit: RunningInitContainer;
}): (who: Asker, qname: string) => void {
  return (who, qname) => {
    const pod = deps.pods.get(who.namespace, who.name);
    if (!pod) return;
    const init = deps.runningInit(runtimePod(pod).metadata.uid);
    const path = init ? fieldPath('init', init) : undefined;
    const message = serviceNotFoundMessage(who.name, init, qname);
    deps.events.record(podRef(pod, path), 'Warning', 'ServiceNotFound', message);
  };
}

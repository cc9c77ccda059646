// NodeShouldRunDaemonPod for the one node: the daemon pod (the template with the daemon tolerations) is
// checked with the scheduler's own predicates (agent/scheduler/): its nodeName, its node selector and
// required node affinity, and the Node's taints. A NoSchedule taint it does not tolerate keeps a new pod
// off but lets a running one stay (shouldContinueRunning); a NoExecute one does neither.
import type { Node } from '../../model/node';
import type { DaemonSet } from '../../model/workload';
import { SCHEDULING_EFFECTS } from '../../scheduler/filters';
import { matchesNodeAffinity } from '../../scheduler/node-affinity';
import { untoleratedTaint } from '../../scheduler/tolerations';
import { withDaemonTolerations } from './daemon-tolerations';

export interface DaemonPlacement {
  /** A daemon pod belongs here: one is created if missing, and it counts in desiredNumberScheduled. */
  shouldRun: boolean;
  /** A daemon pod already here may stay. */
  shouldContinueRunning: boolean;
}

const NOWHERE: DaemonPlacement = { shouldRun: false, shouldContinueRunning: false };

/** `node`: undefined until the Node is registered (no pod then). */
export function daemonPlacement(ds: DaemonSet, node: Node | undefined): DaemonPlacement {
  if (!node) return NOWHERE;
  const spec = ds.spec.template.spec;
  const fitsName = !spec.nodeName || spec.nodeName === node.metadata.name;
  if (!fitsName || !matchesNodeAffinity({ spec }, node)) return NOWHERE;
  const tolerations = withDaemonTolerations(spec);
  const taints = node.spec.taints ?? [];
  return {
    shouldRun: !untoleratedTaint(tolerations, taints, SCHEDULING_EFFECTS),
    shouldContinueRunning: !untoleratedTaint(tolerations, taints, ['NoExecute']),
  };
}

// The claim controller's decision, pure (upstream's PV controller with a provisioner that binds at once, and
// the pvc-protection controller): a Pending claim of the Filesystem mode naming no other volume is bound to a volume of its own
// (`pvc-<uid>`, its capacity the request); a bound claim's capacity follows a grown request; a claim being
// deleted keeps its protection finalizer while a pod that is not finished names it, then the finalizer goes
// (and the claim with it: its volume is deleted then, claim-controller.ts).
import {
  BIND_COMPLETED,
  BOUND_BY_CONTROLLER,
  PVC_PROTECTION_FINALIZER,
  type PersistentVolumeClaim,
  type PersistentVolumeClaimStatus,
  claimsOf,
  finalizersOf,
  volumeNameOf,
} from '../model/persistent-volume-claim';
import type { Pod } from '../model/pod';

export type ClaimAction =
  | {
      type: 'bind';
      volumeName: string;
      annotations: Record<string, string>;
      status: PersistentVolumeClaimStatus;
    }
  | { type: 'status'; status: PersistentVolumeClaimStatus }
  | { type: 'release' };

const finished = (p: Pod): boolean => p.status.phase === 'Succeeded' || p.status.phase === 'Failed';

/** `pods`: those of the claim's namespace. */
export function planClaim(claim: PersistentVolumeClaim, pods: readonly Pod[]): ClaimAction[] {
  const m = claim.metadata;
  if (m.deletionTimestamp !== undefined) {
    if (!finalizersOf(m).includes(PVC_PROTECTION_FINALIZER)) return [];
    const inUse = pods.some((p) => !finished(p) && claimsOf(p).includes(m.name));
    return inUse ? [] : [{ type: 'release' }];
  }
  const request = claim.spec.resources?.requests?.['storage'];
  if (request === undefined) return [];
  const status: PersistentVolumeClaimStatus = {
    ...claim.status,
    phase: 'Bound',
    accessModes: [...(claim.spec.accessModes ?? [])],
    capacity: { ...(claim.status.capacity ?? {}), storage: request },
  };
  if (claim.status.phase !== 'Bound') {
    // A raw block device is not a directory, and a volume named by the user is none of ours: Pending.
    const own = volumeNameOf(claim);
    if (claim.spec.volumeMode === 'Block' || (claim.spec.volumeName ?? own) !== own) return [];
    return [
      {
        type: 'bind',
        volumeName: own,
        annotations: { [BIND_COMPLETED]: 'yes', [BOUND_BY_CONTROLLER]: 'yes' },
        status,
      },
    ];
  }
  return String(claim.status.capacity?.['storage']) === String(request) ? [] : [{ type: 'status', status }];
}

// The ClaimVolumes port (agent/ports/claim-volumes.ts) over the claim store: a bound claim's directory, or
// why a pod naming it waits, in the scheduler's words (volumebinding's "not found", "is being deleted", and
// "unbound immediate PersistentVolumeClaims").
import type { PersistentVolumeClaim } from '../model/persistent-volume-claim';
import type { ClaimVolumes } from '../ports/claim-volumes';
import type { ObjectStore } from '../store/object-store';
import type { LocalVolumes } from './local-volumes';

export function storeClaimVolumes(
  claims: ObjectStore<PersistentVolumeClaim>,
  volumes: LocalVolumes,
): ClaimVolumes {
  return {
    lookup(namespace, name) {
      const claim = claims.get(namespace, name);
      if (!claim) return { problem: `persistentvolumeclaim "${name}" not found` };
      if (claim.metadata.deletionTimestamp !== undefined)
        return { problem: `persistentvolumeclaim "${name}" is being deleted` };
      const volume = claim.spec.volumeName;
      if (claim.status.phase !== 'Bound' || !volume)
        return { problem: 'pod has unbound immediate PersistentVolumeClaims' };
      return { path: volumes.dir(volume) };
    },
    onChange: (fn) => claims.onChange(({ object }) => fn(object.metadata.namespace, object.metadata.name)),
  };
}

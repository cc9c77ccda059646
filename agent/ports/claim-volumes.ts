// What the sync side reads of PersistentVolumeClaims: the directory a pod's claim mounts, or why the pod must
// wait for it (in the scheduler's words), and a notice when a claim changes, so a waiting pod starts at once.
// Implemented over the claim store in agent/storage/claim-volumes.ts.

export type ClaimLookup = { path: string } | { problem: string };

export interface ClaimVolumes {
  lookup(namespace: string, claimName: string): ClaimLookup;
  /** Called after each change of a claim; returns the unsubscribe. */
  onChange(fn: (namespace: string, name: string) => void): () => void;
}

export const noClaimVolumes: ClaimVolumes = {
  lookup: (_ns, name) => ({ problem: `persistentvolumeclaim "${name}" not found` }),
  onChange: () => () => undefined,
};

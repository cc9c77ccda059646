// The PersistentVolumeClaim (v1) as the API stores it, and its validation in upstream's words for what the
// agent acts on (access modes, the storage request, the volume mode). The claim is bound by the agent's own
// provisioner (agent/storage/), a directory per claim, as a local-path provisioner does.
import { type FieldError, fieldError, invalidError } from './field-errors';
import type { ObjectMeta } from './meta';
import type { Pod } from './pod';
import { validateMetadataMaps } from './meta-validation';
import { dns1123SubdomainProblems } from './names';
import { decodeObject } from './pod-decode';
import { readQuantity } from './quantity';
import { type Shape, checkBodyShape, kindShape, shapedCopy } from './shape';

export type AccessMode = 'ReadWriteOnce' | 'ReadOnlyMany' | 'ReadWriteMany' | 'ReadWriteOncePod';

export interface PersistentVolumeClaimSpec {
  accessModes?: AccessMode[];
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  volumeName?: string;
  storageClassName?: string;
  volumeMode?: 'Filesystem' | 'Block';
  volumeAttributesClassName?: string;
  [extra: string]: unknown;
}

export interface PersistentVolumeClaimStatus {
  phase?: 'Pending' | 'Bound' | 'Lost';
  accessModes?: AccessMode[];
  capacity?: Record<string, string | number>;
  [extra: string]: unknown;
}

export interface PersistentVolumeClaim {
  apiVersion: 'v1';
  kind: 'PersistentVolumeClaim';
  metadata: ObjectMeta;
  spec: PersistentVolumeClaimSpec;
  status: PersistentVolumeClaimStatus;
}

/** Holds a claim's deletion until no pod uses it (upstream's pvc-protection controller). */
export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
/** What the binder writes on a claim it bound (upstream's annotations of the PV controller). */
export const BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';

const ACCESS_MODES: AccessMode[] = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const SHORT: Record<AccessMode, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

/** `kubectl get pvc`'s ACCESS MODES (upstream's GetAccessModesAsString: a fixed order, each once). */
export const accessModesText = (modes: readonly AccessMode[] = []): string =>
  (['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const)
    .filter((m) => modes.includes(m))
    .map((m) => SHORT[m])
    .join(',');

/** The volume's name for a claim the agent provisions (as dynamic provisioners name theirs). */
export const volumeNameOf = (claim: PersistentVolumeClaim): string => `pvc-${claim.metadata.uid}`;

/** The claims a pod names in its volumes (upstream's podUsesPVC, for each). */
export const claimsOf = (pod: Pod): string[] =>
  (pod.spec.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
  );

export const finalizersOf = (m: ObjectMeta): string[] =>
  Array.isArray(m['finalizers']) ? (m['finalizers'] as string[]) : [];

let shape: Shape | undefined;
const claimShape = (): Shape => (shape ??= kindShape('PersistentVolumeClaim'));

/** ValidatePersistentVolumeClaimSpec, for what the agent acts on; `at`: where the spec is (`spec`). */
export function validateClaimSpec(spec: PersistentVolumeClaimSpec, at: string, out: FieldError[]): void {
  const modes = spec.accessModes ?? [];
  if (modes.length === 0)
    out.push(fieldError('Required', `${at}.accessModes`, undefined, 'at least 1 access mode is required'));
  for (const m of modes)
    if (!ACCESS_MODES.includes(m))
      out.push(
        fieldError(
          'NotSupported',
          `${at}.accessModes`,
          m,
          `supported values: ${ACCESS_MODES.map((a) => `"${a}"`).join(', ')}`,
        ),
      );
  if (modes.includes('ReadWriteOncePod') && modes.length > 1)
    out.push(
      fieldError(
        'Forbidden',
        `${at}.accessModes`,
        undefined,
        'may not use ReadWriteOncePod with other access modes',
      ),
    );
  const storage = spec.resources?.requests?.['storage'];
  if (storage === undefined) out.push(fieldError('Required', `${at}.resources[storage]`));
  else {
    const read = readQuantity(storage);
    if ('value' in read && read.value <= 0)
      out.push(
        fieldError('Invalid', `${at}.resources[storage]`, String(storage), 'must be greater than zero'),
      );
  }
  if (spec.volumeMode !== 'Filesystem' && spec.volumeMode !== 'Block')
    out.push(
      fieldError(
        'NotSupported',
        `${at}.volumeMode`,
        spec.volumeMode,
        'supported values: "Block", "Filesystem"',
      ),
    );
}

/** From a request body to a defaulted, valid claim (status empty: the binder fills it), or a Status-ready error. */
export function decodeClaim(raw: unknown, namespace: string): PersistentVolumeClaim {
  const obj = decodeObject(raw, 'PersistentVolumeClaim', namespace);
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const errors: FieldError[] = [];
  const { status: _status, ...rest } = obj;
  checkBodyShape(rest, claimShape(), 'PersistentVolumeClaim', 'v1', errors);
  if (errors.length) throw invalidError('PersistentVolumeClaim', name, errors);
  const claim = shapedCopy<PersistentVolumeClaim>(rest, claimShape());
  delete (claim.metadata as { resourceVersion?: string }).resourceVersion;
  claim.spec ??= {};
  claim.spec.volumeMode ??= 'Filesystem'; // SetDefaults_PersistentVolumeClaimSpec
  claim.status = { phase: 'Pending' }; // SetDefaults_PersistentVolumeClaim
  if (!name)
    errors.push(fieldError('Required', 'metadata.name', undefined, 'name or generateName is required'));
  for (const p of dns1123SubdomainProblems(name))
    errors.push(fieldError('Invalid', 'metadata.name', name, p));
  validateMetadataMaps(claim.metadata, errors);
  validateClaimSpec(claim.spec, 'spec', errors);
  if (errors.length) throw invalidError('PersistentVolumeClaim', name, errors);
  return claim;
}

/** A spec with what may change after creation left out (upstream's ValidatePersistentVolumeClaimUpdate). */
const fixedPart = (spec: PersistentVolumeClaimSpec): string => {
  const { resources, volumeAttributesClassName: _v, volumeName, ...rest } = spec;
  const { requests: _r, ...otherResources } = resources ?? {};
  return JSON.stringify({ ...rest, resources: otherResources, volumeName: volumeName ?? '' });
};

/**
 * A PUT body or patch result against the stored claim: the spec fixed but for the storage request (which may
 * only grow on a bound claim) and a volumeName the binder set; status and identity kept.
 */
export function decodeClaimUpdate(old: PersistentVolumeClaim, raw: unknown): PersistentVolumeClaim {
  const m = old.metadata;
  const next = decodeClaim(raw, m.namespace);
  // A body without the binder's volumeName (an apply of the original manifest) keeps it.
  if (next.spec.volumeName === undefined && old.spec.volumeName !== undefined)
    next.spec.volumeName = old.spec.volumeName;
  const errors: FieldError[] = [];
  if (next.metadata.name !== m.name)
    errors.push(fieldError('Invalid', 'metadata.name', next.metadata.name, 'field is immutable'));
  if (fixedPart(next.spec) !== fixedPart(old.spec))
    errors.push(
      fieldError(
        'Forbidden',
        'spec',
        undefined,
        'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      ),
    );
  const before = readQuantity(old.spec.resources?.requests?.['storage'] ?? 0);
  const after = readQuantity(next.spec.resources?.requests?.['storage'] ?? 0);
  if ('value' in before && 'value' in after && after.value < before.value)
    errors.push(
      fieldError(
        'Forbidden',
        'spec.resources.requests.storage',
        undefined,
        'field can not be less than status.capacity',
      ),
    );
  if (errors.length) throw invalidError('PersistentVolumeClaim', m.name, errors);
  next.status = old.status;
  if (m.deletionTimestamp !== undefined) {
    next.metadata.deletionTimestamp = m.deletionTimestamp;
    next.metadata.deletionGracePeriodSeconds = m.deletionGracePeriodSeconds ?? 0;
  }
  return next;
}

// PersistentVolumeClaims (namespaced): written through the ClaimRegistry, bound by the claim controller
// (agent/storage/); `kubectl get pvc` columns as upstream's printer (a claim being deleted is Terminating).
import { type PersistentVolumeClaim, accessModesText } from '../../agent/model/persistent-volume-claim';
import type { ApiDeps } from '../deps';
import { ALL_VERBS, type ResourceDefinition, age, ageColumn, metaFields, nameColumn } from '../resources';
import { column } from '../table';

const UNSET = '<unset>';

/** Upstream's GetPersistentVolumeClaimClass: the beta annotation first, then the field. */
const storageClassOf = (c: PersistentVolumeClaim): string =>
  c.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? c.spec.storageClassName ?? '';

export function persistentVolumeClaimResource(deps: ApiDeps): ResourceDefinition<PersistentVolumeClaim> {
  return {
    name: 'persistentvolumeclaims',
    singularName: 'persistentvolumeclaim',
    kind: 'PersistentVolumeClaim',
    listKind: 'PersistentVolumeClaimList',
    namespaced: true,
    verbs: ALL_VERBS,
    shortNames: ['pvc'],
    fields: metaFields,
    columns: [
      nameColumn,
      column('Status', 'phase represents the current phase of PersistentVolumeClaim.'),
      column('Volume', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
      column('Capacity', 'capacity represents the actual resources of the underlying volume.'),
      column(
        'Access Modes',
        'accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1',
      ),
      column('StorageClass', 'StorageClass of the pvc'),
      column('VolumeAttributesClass', 'VolumeAttributesClass of the pvc'),
      ageColumn,
      column(
        'VolumeMode',
        'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.',
        1,
      ),
    ],
    cells: (c, now) => {
      const bound = Boolean(c.spec.volumeName);
      return [
        c.metadata.name,
        c.metadata.deletionTimestamp !== undefined ? 'Terminating' : (c.status.phase ?? ''),
        c.spec.volumeName ?? '',
        bound ? String(c.status.capacity?.['storage'] ?? '') : '',
        bound ? accessModesText(c.status.accessModes) : '',
        storageClassOf(c),
        c.spec.volumeAttributesClassName || UNSET,
        age(c, now),
        c.spec.volumeMode ?? UNSET,
      ];
    },
    source: deps.persistentVolumeClaims,
    registry: deps.registries.persistentVolumeClaims,
    logCreated: (c) => ['claim created', { claim: `${c.metadata.namespace}/${c.metadata.name}` }],
    logDeleted: (c) => ['claim deleted', { claim: `${c.metadata.namespace}/${c.metadata.name}` }],
  };
}

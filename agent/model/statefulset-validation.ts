// Defaults and validation of StatefulSets (SetDefaults_StatefulSet, ValidateStatefulSet and its update rule),
// worded as upstream. The template is checked as a pod with a volume for each claim template (upstream skips
// the pod checks of a StatefulSet's template because its mounts name those volumes).
import { fieldError, type FieldError } from './field-errors';
import { validateClaimSpec } from './persistent-volume-claim';
import type { Volume } from './pod';
import type { StatefulSet } from './workload';
import { applyTemplateDefaults, validateCommon, validateNonNegative } from './workload-validation';

export function applyStatefulSetDefaults(sts: StatefulSet): void {
  const spec = sts.spec;
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  spec.updateStrategy ??= { type: 'RollingUpdate' };
  spec.updateStrategy.type ??= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    spec.updateStrategy.rollingUpdate ??= {};
    spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  // MaxUnavailableStatefulSet is alpha, off by default, in 1.34 (the version this server reports; beta from
  // 1.35): upstream's dropStatefulSetDisabledFields drops the field, silently, before validation.
  if (spec.updateStrategy.rollingUpdate) delete spec.updateStrategy.rollingUpdate.maxUnavailable;
  spec.revisionHistoryLimit ??= 10;
  spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
  spec.persistentVolumeClaimRetentionPolicy.whenDeleted ??= 'Retain';
  spec.persistentVolumeClaimRetentionPolicy.whenScaled ??= 'Retain';
  for (const t of spec.volumeClaimTemplates ?? []) {
    t.spec ??= {};
    t.spec.volumeMode ??= 'Filesystem';
    t.status ??= { phase: 'Pending' };
  }
  applyTemplateDefaults(sts);
  sts.status = { replicas: 0, availableReplicas: 0 };
}

const supported = (values: string[]): string => `supported values: ${values.map((v) => `"${v}"`).join(', ')}`;

/** The template with a volume for each claim template it does not name itself, as the pods get them. */
function withClaimVolumes(sts: StatefulSet): StatefulSet {
  const own = new Set((sts.spec.template.spec.volumes ?? []).map((v) => v?.name));
  const claims: Volume[] = (sts.spec.volumeClaimTemplates ?? [])
    .filter((t) => !own.has(t.metadata?.name))
    .map((t) => ({
      name: t.metadata?.name ?? '',
      persistentVolumeClaim: { claimName: t.metadata?.name ?? '' },
    }));
  const spec = { ...sts.spec.template.spec, volumes: [...(sts.spec.template.spec.volumes ?? []), ...claims] };
  return { ...sts, spec: { ...sts.spec, template: { ...sts.spec.template, spec } } };
}

export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  const out: FieldError[] = [];
  validateCommon(withClaimVolumes(sts), out);
  const spec = sts.spec;
  validateNonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', out);
  validateNonNegative(spec.ordinals?.start, 'spec.ordinals.start', out);
  if (spec.podManagementPolicy !== 'OrderedReady' && spec.podManagementPolicy !== 'Parallel')
    out.push(
      fieldError(
        'NotSupported',
        'spec.podManagementPolicy',
        spec.podManagementPolicy,
        supported(['OrderedReady', 'Parallel']),
      ),
    );
  const s = spec.updateStrategy;
  if (s.type !== 'RollingUpdate' && s.type !== 'OnDelete')
    out.push(
      fieldError(
        'NotSupported',
        'spec.updateStrategy.type',
        s.type,
        supported(['OnDelete', 'RollingUpdate']),
      ),
    );
  if (s.type === 'OnDelete' && s.rollingUpdate)
    out.push(
      fieldError(
        'Invalid',
        'spec.updateStrategy.rollingUpdate',
        s.rollingUpdate,
        "only allowed for updateStrategy 'RollingUpdate'",
      ),
    );
  validateNonNegative(s.rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition', out);
  for (const k of ['whenDeleted', 'whenScaled'] as const) {
    const v = spec.persistentVolumeClaimRetentionPolicy[k];
    if (v !== 'Retain' && v !== 'Delete')
      out.push(
        fieldError(
          'NotSupported',
          `spec.persistentVolumeClaimRetentionPolicy.${k}`,
          v,
          supported(['Retain', 'Delete']),
        ),
      );
  }
  (spec.volumeClaimTemplates ?? []).forEach((t, i) => {
    const at = `spec.volumeClaimTemplates[${i}]`;
    if (!t.metadata?.name) out.push(fieldError('Required', `${at}.metadata.name`));
    validateClaimSpec(t.spec, `${at}.spec`, out);
  });
  return out;
}

/** What an update may change (ValidateStatefulSetUpdate). */
const MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'revisionHistoryLimit',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
] as const;

export function validateStatefulSetUpdate(old: StatefulSet, next: StatefulSet): FieldError[] {
  const rest = (s: StatefulSet['spec']): string => {
    const copy: Record<string, unknown> = { ...s };
    for (const k of MUTABLE) delete copy[k];
    delete copy['selector']; // its own message (validateWorkloadUpdate)
    return JSON.stringify(copy);
  };
  if (rest(old.spec) === rest(next.spec)) return [];
  return [
    fieldError(
      'Forbidden',
      'spec',
      undefined,
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

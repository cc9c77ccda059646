// From a request body to a defaulted, validated CustomResourceDefinition (ValidateCustomResourceDefinition's
// essentials, in upstream's words): the name is <plural>.<group>, the group a domain with a dot, a known
// scope, exactly one storage version, names as DNS-1035 labels, a structural schema for every version.
import { apiVersionOf } from '../model/group-version';
import {
  APIEXTENSIONS_V1,
  CRD_KIND,
  type CrdNames,
  type CrdVersion,
  type CustomResourceDefinition,
} from '../model/crd';
import { type FieldError, GoSyntax, fieldError, invalidError } from '../model/field-errors';
import { validateMetadataMaps, validateObjectName } from '../model/meta-validation';
import { dns1035LabelProblems, dns1123SubdomainProblems } from '../model/names';
import { decodeObject } from '../model/pod-decode';
import { isObject } from '../model/shape';
import { checkCrdShape } from './crd-shape';
import { schemaProblems } from './schema-validation';

const SCOPES = ['Cluster', 'Namespaced'];
const COLUMN_TYPES = ['integer', 'number', 'string', 'boolean', 'date'];

/** The versions as upstream's message prints them (Go's %#v of the slice, abbreviated). */
const versionsValue = (versions: readonly CrdVersion[]): GoSyntax =>
  new GoSyntax(
    versions.length
      ? `[]apiextensions.CustomResourceDefinitionVersion{${versions.map((v) => `{Name:${JSON.stringify(v.name)}, Served:${v.served}, Storage:${v.storage}}`).join(', ')}}`
      : '[]apiextensions.CustomResourceDefinitionVersion(nil)',
  );

/** SetDefaults: singular and listKind from the kind, conversion None, served/storage false when absent. */
function withDefaults(crd: CustomResourceDefinition): CustomResourceDefinition {
  const spec = isObject(crd.spec) ? crd.spec : ({} as never);
  const names: CrdNames = isObject(spec.names) ? { ...spec.names } : ({} as CrdNames);
  if (!names.singular && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
  if (!names.listKind && typeof names.kind === 'string' && names.kind) names.listKind = `${names.kind}List`;
  const versions = Array.isArray(spec.versions) ? spec.versions : [];
  return {
    ...crd,
    spec: {
      ...spec,
      names,
      versions: versions.map((v) => ({
        ...(v ?? {}),
        served: v?.served === true,
        storage: v?.storage === true,
      })),
      conversion: spec.conversion ?? { strategy: 'None' },
    },
  };
}

function validateNames(names: CrdNames, out: FieldError[]): void {
  const path = 'spec.names';
  for (const k of ['plural', 'singular', 'kind', 'listKind'] as const)
    if (!names[k]) out.push(fieldError('Required', `${path}.${k}`, undefined, ''));
  for (const k of ['plural', 'singular'] as const) {
    const v = names[k];
    if (v) for (const p of dns1035LabelProblems(v)) out.push(fieldError('Invalid', `${path}.${k}`, v, p));
  }
  for (const k of ['kind', 'listKind'] as const) {
    const v = names[k];
    if (v)
      for (const p of dns1035LabelProblems(v.toLowerCase()))
        out.push(fieldError('Invalid', `${path}.${k}`, v, p));
  }
  if (names.kind && names.kind === names.listKind)
    out.push(
      fieldError('Invalid', `${path}.listKind`, names.listKind, 'kind and listKind may not be the same'),
    );
  (names.shortNames ?? []).forEach((s, i) => {
    for (const p of dns1035LabelProblems(s))
      out.push(fieldError('Invalid', `${path}.shortNames[${i}]`, s, p));
  });
  (names.categories ?? []).forEach((c, i) => {
    for (const p of dns1035LabelProblems(c))
      out.push(fieldError('Invalid', `${path}.categories[${i}]`, c, p));
  });
}

function validateVersion(v: CrdVersion, i: number, out: FieldError[]): void {
  const path = `spec.versions[${i}]`;
  for (const p of dns1035LabelProblems(String(v.name ?? '')))
    out.push(fieldError('Invalid', `${path}.name`, v.name, p));
  const schema = v.schema?.openAPIV3Schema;
  if (!isObject(schema))
    out.push(fieldError('Required', `${path}.schema.openAPIV3Schema`, undefined, 'schemas are required'));
  else out.push(...schemaProblems(schema, `${path}.schema.openAPIV3Schema`));
  const scale = v.subresources?.scale;
  if (scale !== undefined) {
    if (!scale.specReplicasPath)
      out.push(fieldError('Required', `${path}.subresources.scale.specReplicasPath`, undefined, ''));
    if (!scale.statusReplicasPath)
      out.push(fieldError('Required', `${path}.subresources.scale.statusReplicasPath`, undefined, ''));
  }
  (v.additionalPrinterColumns ?? []).forEach((c, j) => {
    const at = `${path}.additionalPrinterColumns[${j}]`;
    if (!c.name) out.push(fieldError('Required', `${at}.name`, undefined, ''));
    if (!c.jsonPath) out.push(fieldError('Required', `${at}.jsonPath`, undefined, ''));
    if (!COLUMN_TYPES.includes(c.type))
      out.push(
        fieldError(
          'NotSupported',
          `${at}.type`,
          c.type ?? '',
          `supported values: ${COLUMN_TYPES.map((t) => JSON.stringify(t)).join(', ')}`,
        ),
      );
  });
}

/** The errors of a (defaulted) definition, in upstream's order. */
export function validateCrd(crd: CustomResourceDefinition): FieldError[] {
  const out: FieldError[] = [];
  const { spec } = crd;
  const required = `${spec.names.plural ?? ''}.${spec.group ?? ''}`;
  validateObjectName(
    crd.metadata.name,
    'metadata.name',
    (v) => [
      ...dns1123SubdomainProblems(v),
      ...(v !== required ? ['must be spec.names.plural+"."+spec.group'] : []),
    ],
    out,
  );
  validateMetadataMaps(crd.metadata, out);
  if (!spec.group) out.push(fieldError('Required', 'spec.group', undefined, ''));
  else {
    const problems = dns1123SubdomainProblems(spec.group);
    if (problems.length) out.push(fieldError('Invalid', 'spec.group', spec.group, problems.join(',')));
    else if (!spec.group.includes('.'))
      out.push(fieldError('Invalid', 'spec.group', spec.group, 'should be a domain with at least one dot'));
  }
  if (!SCOPES.includes(spec.scope))
    out.push(
      spec.scope
        ? fieldError('NotSupported', 'spec.scope', spec.scope, 'supported values: "Cluster", "Namespaced"')
        : fieldError('Required', 'spec.scope', undefined, ''),
    );
  spec.versions.forEach((v, i) => validateVersion(v, i, out));
  const names = spec.versions.map((v) => v.name);
  if (new Set(names).size !== names.length)
    out.push(
      fieldError(
        'Invalid',
        'spec.versions',
        versionsValue(spec.versions),
        'must contain unique version names',
      ),
    );
  if (spec.versions.filter((v) => v.storage).length !== 1)
    out.push(
      fieldError(
        'Invalid',
        'spec.versions',
        versionsValue(spec.versions),
        'must have exactly one version marked as storage version',
      ),
    );
  if (spec.versions.length && !spec.versions.some((v) => v.served))
    out.push(
      fieldError(
        'Invalid',
        'spec.versions',
        versionsValue(spec.versions),
        'must have at least one version marked as served',
      ),
    );
  validateNames(spec.names, out);
  if (spec.conversion && spec.conversion.strategy !== 'None')
    out.push(
      fieldError(
        'NotSupported',
        'spec.conversion.strategy',
        spec.conversion.strategy,
        'supported values: "None"',
      ),
    );
  return out;
}

/** Names that may not change once the definition is established (its plural and group are its name). */
function validateUpdate(next: CustomResourceDefinition, old: CustomResourceDefinition): FieldError[] {
  const out: FieldError[] = [];
  if (next.spec.group !== old.spec.group)
    out.push(fieldError('Invalid', 'spec.group', next.spec.group, 'field is immutable'));
  if (next.spec.scope !== old.spec.scope)
    out.push(fieldError('Invalid', 'spec.scope', next.spec.scope, 'field is immutable'));
  return out;
}

/** A CRD body decoded, defaulted and validated (against the stored one on update); status is the server's. */
export function decodeCrd(raw: unknown, old?: CustomResourceDefinition): CustomResourceDefinition {
  checkCrdShape(raw);
  const obj = decodeObject(raw, CRD_KIND, '', apiVersionOf(APIEXTENSIONS_V1));
  const crd = withDefaults(structuredClone(obj) as unknown as CustomResourceDefinition);
  delete (crd.metadata as { resourceVersion?: string }).resourceVersion;
  if (old) crd.status = old.status;
  else delete crd.status;
  const errors = [...validateCrd(crd), ...(old ? validateUpdate(crd, old) : [])];
  if (errors.length) throw invalidError(CRD_KIND, crd.metadata.name ?? '', errors, APIEXTENSIONS_V1.group);
  return crd;
}

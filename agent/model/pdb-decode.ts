// From a request body to a validated policy/v1 PodDisruptionBudget, or a Status-ready error; an update
// keeps the name, identity and status (status is written through the status subresource and the controller).
import { type FieldError, invalidError } from './field-errors';
import { POLICY_V1 } from './group-version';
import { PDB_KIND, type PodDisruptionBudget, emptyPdbStatus } from './pdb';
import { validatePdb } from './pdb-validation';
import { decodeObject } from './pod-decode';
import { checkBodyShape, isObject, kindShape, shapedCopy } from './shape';
import { decodeUpdateOf } from './update-body';

const PDB_SHAPE = kindShape(PDB_KIND, POLICY_V1);

export const pdbInvalid = (name: string, errors: FieldError[]): Error =>
  invalidError(PDB_KIND, name, errors, 'policy');

export function decodePdb(raw: unknown, namespace: string): PodDisruptionBudget {
  const obj = decodeObject(raw, PDB_KIND, namespace, 'policy/v1');
  const name = typeof obj.metadata.name === 'string' ? obj.metadata.name : '';
  const errors: FieldError[] = [];
  checkBodyShape(obj, PDB_SHAPE, PDB_KIND, POLICY_V1.version, errors);
  if (errors.length) throw pdbInvalid(name, errors);
  const pdb = shapedCopy<PodDisruptionBudget>(
    { ...obj, spec: isObject(obj.spec) ? obj.spec : {}, status: emptyPdbStatus() },
    PDB_SHAPE,
  );
  delete (pdb.metadata as { resourceVersion?: string }).resourceVersion;
  const invalid = validatePdb(pdb);
  if (invalid.length) throw pdbInvalid(name, invalid);
  return pdb;
}

export const decodePdbUpdate = (old: PodDisruptionBudget, raw: unknown): PodDisruptionBudget =>
  decodeUpdateOf(old, raw, decodePdb, pdbInvalid);

// What upstream's naming and establishing controllers decide for a definition, as one pure function: its
// names are accepted unless another definition (or a built-in resource) of the same group already uses one
// (NamesAccepted False, reason PluralConflict, KindConflict...); a definition whose names are accepted is
// Established and served.
import type { CrdCondition, CrdNames, CustomResourceDefinition } from '../model/crd';

/** Names a resource of a group takes: another definition's accepted names, or a built-in kind's. */
export interface NameClaim {
  group: string;
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: readonly string[];
}

type Status = NonNullable<CustomResourceDefinition['status']>;

const ESTABLISHED = 'the initial names have been accepted';

/** The first conflict, as [reason, message], or undefined. */
function conflictOf(names: CrdNames, claims: readonly NameClaim[]): [string, string] | undefined {
  const used = (pick: (c: NameClaim) => readonly (string | undefined)[]) =>
    new Set(claims.flatMap(pick).filter((n): n is string => !!n));
  const resources = used((c) => [c.plural, c.singular, ...(c.shortNames ?? [])]);
  const kinds = used((c) => [c.kind, c.listKind]);
  const taken = (name: string | undefined, set: Set<string>): boolean => !!name && set.has(name);
  if (taken(names.plural, resources)) return ['PluralConflict', `"${names.plural}" is already in use`];
  if (taken(names.singular, resources)) return ['SingularConflict', `"${names.singular}" is already in use`];
  const short = (names.shortNames ?? []).find((s) => resources.has(s));
  if (short) return ['ShortNamesConflict', `"${short}" is already in use`];
  if (taken(names.kind, kinds)) return ['KindConflict', `"${names.kind}" is already in use`];
  if (taken(names.listKind, kinds)) return ['ListKindConflict', `"${names.listKind}" is already in use`];
  return undefined;
}

/** A condition with the time it last changed: kept when its status is the same as before. */
function condition(
  old: readonly CrdCondition[],
  c: Omit<CrdCondition, 'lastTransitionTime'>,
  now: string,
): CrdCondition {
  const prev = old.find((o) => o.type === c.type);
  return {
    ...c,
    lastTransitionTime: prev && prev.status === c.status ? (prev.lastTransitionTime ?? now) : now,
  };
}

/** The claims of the other definitions: their accepted names. */
export const claimsOf = (crds: readonly CustomResourceDefinition[]): NameClaim[] =>
  crds.flatMap((c) => {
    const a = c.status?.acceptedNames;
    return a?.plural ? [{ group: c.spec.group, ...a }] : [];
  });

/**
 * The status of `crd` given the names the others of every group claim: conditions NamesAccepted and
 * Established, acceptedNames (kept as they were while a new name conflicts), storedVersions.
 */
export function crdStatus(crd: CustomResourceDefinition, claims: readonly NameClaim[], now: string): Status {
  const old = crd.status?.conditions ?? [];
  const sameGroup = claims.filter((c) => c.group === crd.spec.group);
  const conflict = conflictOf(crd.spec.names, sameGroup);
  const storage = crd.spec.versions.find((v) => v.storage)?.name;
  const storedVersions = [...new Set([...(crd.status?.storedVersions ?? []), ...(storage ? [storage] : [])])];
  const wasEstablished = old.some((c) => c.type === 'Established' && c.status === 'True');
  const names: Omit<CrdCondition, 'lastTransitionTime'> = conflict
    ? { type: 'NamesAccepted', status: 'False', reason: conflict[0], message: conflict[1] }
    : { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };
  // once established, a definition stays served under the names it has while a change conflicts
  const established: Omit<CrdCondition, 'lastTransitionTime'> =
    !conflict || wasEstablished
      ? { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: ESTABLISHED }
      : {
          type: 'Established',
          status: 'False',
          reason: 'NotAccepted',
          message: 'not all names are accepted',
        };
  return {
    conditions: [condition(old, names, now), condition(old, established, now)],
    acceptedNames: conflict ? (crd.status?.acceptedNames ?? { plural: '', kind: '' }) : { ...crd.spec.names },
    storedVersions,
  };
}

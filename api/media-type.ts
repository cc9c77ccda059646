// The conversions a client may ask for in Accept (`application/json;as=Table;g=meta.k8s.io;v=v1`): a Table
// (kubectl get), PartialObjectMetadata for one object or each watch event, PartialObjectMetadataList for a
// list (client-go's metadata client: the garbage collector, helm). The clauses are tried in order, as the
// API server's negotiation does; none acceptable is its 406.
import { MiniKubeletError } from '../agent/errors';
import type { StoredObject } from '../agent/store/object-store';

export type ConversionKind = 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';

export interface Conversion {
  kind: ConversionKind;
  /** meta.k8s.io/v1 or meta.k8s.io/v1beta1: what the converted object's apiVersion says. */
  apiVersion: string;
}

const KINDS: readonly string[] = ['Table', 'PartialObjectMetadata', 'PartialObjectMetadataList'];
const VERSIONS: readonly string[] = ['v1', 'v1beta1'];
/** The media types the API server names when no clause of Accept is acceptable. */
const ACCEPTED = 'application/json, application/yaml, application/vnd.kubernetes.protobuf';

function params(clause: string): { type: string; p: Map<string, string> } {
  const [type = '', ...rest] = clause.split(';').map((s) => s.trim());
  const p = new Map<string, string>();
  for (const kv of rest) {
    const i = kv.indexOf('=');
    if (i > 0) p.set(kv.slice(0, i).trim().toLowerCase(), kv.slice(i + 1).trim());
  }
  return { type: type.toLowerCase(), p };
}

/** A clause's conversion; null when it asks for one the server does not make (the clause is skipped). */
function clauseConversion(clause: string): Conversion | undefined | null {
  const { type, p } = params(clause);
  const kind = p.get('as');
  if (kind === undefined && !p.has('g') && !p.has('v')) return undefined;
  const version = p.get('v') ?? '';
  if (!kind || !KINDS.includes(kind) || p.get('g') !== 'meta.k8s.io' || !VERSIONS.includes(version))
    return null;
  // Tables are printed as JSON or YAML only
  if (kind === 'Table' && type !== 'application/json' && type !== 'application/yaml') return null;
  return { kind: kind as ConversionKind, apiVersion: `meta.k8s.io/${version}` };
}

/** The conversion Accept asks for (none: the object as stored); throws NotAcceptable when no clause fits. */
export function conversionOf(accept: string | undefined): Conversion | undefined {
  const clauses = (accept ?? '').split(',').filter((c) => c.trim() !== '');
  for (const clause of clauses) {
    const c = clauseConversion(clause);
    if (c !== null) return c;
  }
  if (clauses.length === 0) return undefined;
  throw notAcceptable(`only the following media types are accepted: ${ACCEPTED}`);
}

const notAcceptable = (message: string): MiniKubeletError => new MiniKubeletError('NotAcceptable', message);

/** Go's name of the internal type upstream converts from (`*core.PodList`, `*apps.Deployment`). */
const goType = (group: string, kind: string): string =>
  `*${group === '' ? 'core' : group.split('.')[0]}.${kind}`;

/** PartialObjectMetadataList asked of one object, or PartialObjectMetadata of a list: upstream's 406. */
export function checkTarget(c: Conversion | undefined, list: boolean, group: string, kind: string): void {
  if (c?.kind === 'PartialObjectMetadata' && list)
    throw notAcceptable(
      `you requested PartialObjectMetadata, but the requested object is a list (${goType(group, kind)})`,
    );
  if (c?.kind === 'PartialObjectMetadataList' && !list)
    throw notAcceptable(
      `you requested PartialObjectMetadataList, but the requested object is not a list (${goType(group, kind)})`,
    );
}

/** An object's metadata alone, as PartialObjectMetadata of the given meta.k8s.io version. */
export const partialObject = (obj: StoredObject, apiVersion = 'meta.k8s.io/v1'): object => ({
  kind: 'PartialObjectMetadata',
  apiVersion,
  metadata: obj.metadata,
});

/** A list's items as PartialObjectMetadataList, the list's metadata (resourceVersion, continue) kept. */
export const partialList = (
  items: readonly StoredObject[],
  metadata: Record<string, unknown>,
  apiVersion: string,
): object => ({
  kind: 'PartialObjectMetadataList',
  apiVersion,
  metadata,
  items: items.map((o) => partialObject(o, apiVersion)),
});

// limit/continue paging over a list sorted by namespace/name. The continue token carries the key of the
// last item sent (in upstream's token format); the next page starts after it in the current state, so
// pages are not one consistent snapshot (upstream's are, up to compaction).
import { badRequest } from '../agent/errors';

export interface Page<T> {
  items: T[];
  continue?: string;
  remainingItemCount?: number;
}

interface Token {
  v: string;
  rv: number;
  start: string;
}

type Keyed = { metadata: { namespace: string; name: string } };
const keyOf = (o: Keyed): string => `${o.metadata.namespace}/${o.metadata.name}`;

function decode(token: string): Token {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Partial<Token>;
    if (t.v === 'meta.k8s.io/v1' && typeof t.start === 'string')
      return { v: t.v, rv: Number(t.rv), start: t.start };
  } catch {
    // reported below
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

export function paginate<T extends Keyed>(
  items: T[],
  limit: number | undefined,
  cont: string | undefined,
  resourceVersion: string,
): Page<T> {
  // byte order of the keys, as etcd lists them (and as the token compares)
  let rest = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  if (cont) {
    const start = decode(cont).start;
    rest = rest.filter((o) => keyOf(o) > start);
  }
  if (!limit || rest.length <= limit) return { items: rest };
  const page = rest.slice(0, limit);
  const last = page[page.length - 1];
  const token: Token = { v: 'meta.k8s.io/v1', rv: Number(resourceVersion), start: last ? keyOf(last) : '' };
  return {
    items: page,
    continue: Buffer.from(JSON.stringify(token)).toString('base64'),
    remainingItemCount: rest.length - limit,
  };
}

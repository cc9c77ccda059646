// The kind a request path's body decodes into (`/api/v1/namespaces/x/pods` -> Pod, `.../deployments/web/scale`
// -> Scale), for the decode errors that name it as upstream does: `the object provided is unrecognized (must be
// of type Pod): ...`.
import { type ResourceDefinition, groupPath, groupVersionOf } from './resources';

export type BodyKindOf = (path: string) => string | undefined;

export function bodyKinds(defs: readonly ResourceDefinition[]): BodyKindOf {
  const kinds = new Map<string, ResourceDefinition>();
  for (const def of defs) {
    kinds.set(`${groupPath(groupVersionOf(def))}/${def.name}`, def);
    if (def.shortPath) kinds.set(`/${def.name}`, def);
  }
  return (path) => {
    const parts = (path.split('?')[0] ?? '').split('/').filter((p) => p !== '');
    const prefix = parts[0] === 'api' ? 2 : parts[0] === 'apis' ? 3 : 0;
    const base = parts.slice(0, prefix);
    let rest = parts.slice(prefix);
    if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
    const def = kinds.get(`/${[...base, rest[0]].join('/')}`);
    if (!def) return undefined;
    const sub = def.subresources?.find((s) => s.name === rest[2]);
    return sub?.kind ?? def.kind;
  };
}

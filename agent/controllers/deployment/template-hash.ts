// The pod-template-hash: which ReplicaSet holds which template of a Deployment (upstream's ComputeHash,
// safe-encoded). Templates are compared without that label, key order aside.
import { createHash } from 'node:crypto';
import { POD_TEMPLATE_HASH, type PodTemplateSpec } from '../../model/workload';

/** Nothing said: undefined, null, {} and [] (a typed client sends `resources: {}` for none). */
const isEmpty = (v: unknown): boolean =>
  v === undefined || v === null || (typeof v === 'object' && Object.keys(v).length === 0);

/** Sorted keys, empty values left out, as upstream's semantic equality of typed objects sees them. */
export const canonical = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .map(([k, x]) => [k, canonical(x)] as const)
        .filter(([, x]) => !isEmpty(x))
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  return v;
};

/** The template without the pod-template-hash label (an empty labels map counts as none). */
function withoutHash(t: PodTemplateSpec): unknown {
  const { [POD_TEMPLATE_HASH]: _h, ...labels } = t.metadata?.labels ?? {};
  return canonical({ ...t, metadata: { ...(t.metadata ?? {}), labels } });
}

export const sameTemplate = (a: PodTemplateSpec, b: PodTemplateSpec): boolean =>
  JSON.stringify(withoutHash(a)) === JSON.stringify(withoutHash(b));

/** Upstream's rand.SafeEncodeString alphabet. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function templateHash(t: PodTemplateSpec, collisionCount = 0): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(withoutHash(t)))
    .update(String(collisionCount))
    .digest();
  const decimal = String(digest.readUInt32BE(0));
  return [...decimal].map((c) => ALPHANUMS[c.charCodeAt(0) % ALPHANUMS.length]).join('');
}

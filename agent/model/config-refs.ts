// The ConfigMaps and Secrets a pod names (env, envFrom, volumes, projected sources, image pull secrets):
// which pods to wake when one of them appears or changes.
import type { Container, Pod } from './pod';

export interface ConfigRefs {
  configMaps: Set<string>;
  secrets: Set<string>;
}

const nameOf = (v: unknown): string | undefined => {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as { name?: unknown; secretName?: unknown };
  const name = o.secretName ?? o.name;
  return typeof name === 'string' ? name : undefined;
};

function addContainer(c: Container, refs: ConfigRefs): void {
  for (const e of c.env ?? []) {
    const cm = e.valueFrom?.configMapKeyRef?.name;
    const secret = e.valueFrom?.secretKeyRef?.name;
    if (cm !== undefined) refs.configMaps.add(cm);
    if (secret !== undefined) refs.secrets.add(secret);
  }
  for (const f of c.envFrom ?? []) {
    if (f.configMapRef?.name !== undefined) refs.configMaps.add(f.configMapRef.name);
    if (f.secretRef?.name !== undefined) refs.secrets.add(f.secretRef.name);
  }
}

/** A volume source or a projected source: `configMap: {name}`, `secret: {secretName | name}`. */
function addSource(source: Record<string, unknown>, refs: ConfigRefs): void {
  const cm = nameOf(source['configMap']);
  const secret = nameOf(source['secret']);
  if (cm !== undefined) refs.configMaps.add(cm);
  if (secret !== undefined) refs.secrets.add(secret);
}

export function configRefs(pod: Pod): ConfigRefs {
  const refs: ConfigRefs = { configMaps: new Set(), secrets: new Set() };
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) addContainer(c, refs);
  for (const v of pod.spec.volumes ?? []) {
    addSource(v, refs);
    const projected = v['projected'];
    for (const s of projected?.sources ?? []) addSource(s, refs);
  }
  for (const s of pod.spec.imagePullSecrets ?? []) if (s.name) refs.secrets.add(s.name);
  return refs;
}

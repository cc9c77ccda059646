// A container's environment as the kubelet makes it (makeEnvironmentVariables): envFrom first, in order (a
// prefix before each key; keys that are no environment variable names are skipped and reported), then env,
// each entry overriding what came before; values from fieldRefs, ConfigMap keys and Secret keys, a literal
// value with its `$(VAR)` references expanded from what came before, then from the Service variables; last
// the Service variables (agent/services/service-env.ts) the container does not define itself. A missing
// object or key that is not optional fails the container's start (CreateContainerConfigError) with the
// kubelet's words; messages name objects and keys, never values.
import { MiniKubeletError } from '../errors';
import { type ConfigMap, type Secret, secretValue } from '../model/config-objects';
import { type Mapping, expand, mappingFor } from '../model/env-expansion';
import type { Container, Pod } from '../model/pod';
import type { ConfigSources } from '../ports/config-sources';
import { metadataField } from '../volumes/downward-api';

/** Where fieldRef values come from beyond the pod object. */
export interface EnvContext {
  pod: Pod;
  podIP: string;
  hostIP: string;
  /** The Service variables (serviceEnv), computed once for this container's creation. */
  services: ReadonlyMap<string, string>;
}

/** envFrom keys skipped because they are no environment variable names (the kubelet's Warning event). */
export interface SkippedKeys {
  kind: 'configMap' | 'secret';
  name: string;
  keys: string[];
}

export interface ResolvedEnv {
  /** Name to value, in first-definition order, later definitions winning; the Service variables last. */
  vars: Map<string, string>;
  skipped: SkippedKeys[];
}

/** IsEnvVarName, as the kubelet checks envFrom keys. */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export type ConfigLookup = Pick<ConfigSources, 'configMap' | 'secret'>;

function fieldRef(path: string, ctx: EnvContext): string {
  switch (path) {
    case 'status.podIP':
    case 'status.podIPs':
      return ctx.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return ctx.hostIP;
    case 'spec.nodeName':
      return ctx.pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return typeof ctx.pod.spec['serviceAccountName'] === 'string'
        ? ctx.pod.spec['serviceAccountName']
        : 'default';
  }
  // metadata.name, namespace, uid, one label or annotation: read as a downwardAPI volume reads them
  return metadataField(ctx.pod, path);
}

const missing = (message: string): MiniKubeletError => new MiniKubeletError('NotFound', message);

/** The kubelet's object managers name the resource in the singular: `configmap "x" not found`. */
function lookup(
  sources: ConfigLookup,
  ns: string,
  kind: 'configMap',
  name: string,
  optional: boolean,
): ConfigMap | undefined;
function lookup(
  sources: ConfigLookup,
  ns: string,
  kind: 'secret',
  name: string,
  optional: boolean,
): Secret | undefined;
function lookup(
  sources: ConfigLookup,
  ns: string,
  kind: 'configMap' | 'secret',
  name: string,
  optional: boolean,
): ConfigMap | Secret | undefined {
  const obj = kind === 'configMap' ? sources.configMap(ns, name) : sources.secret(ns, name);
  if (!obj && !optional) throw missing(`${kind.toLowerCase()} "${name}" not found`);
  return obj;
}

/** Every key and value an envFrom source gives (Secret values decoded). */
function entriesOf(obj: ConfigMap | Secret): [string, string][] {
  if (obj.kind === 'ConfigMap') return Object.entries(obj.data ?? {});
  return Object.keys(obj.data ?? {}).map((k) => [k, secretValue(obj, k)?.toString('utf8') ?? '']);
}

export function resolveEnv(c: Container, ctx: EnvContext, sources: ConfigLookup): ResolvedEnv {
  const ns = ctx.pod.metadata.namespace;
  const vars = new Map<string, string>();
  const skipped: SkippedKeys[] = [];
  for (const from of c.envFrom ?? []) {
    const kind = from.configMapRef ? 'configMap' : 'secret';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const name = ref.name ?? '';
    const obj =
      kind === 'configMap'
        ? lookup(sources, ns, 'configMap', name, ref.optional === true)
        : lookup(sources, ns, 'secret', name, ref.optional === true);
    if (!obj) continue;
    const invalid: string[] = [];
    for (const [key, value] of entriesOf(obj)) {
      const k = `${from.prefix ?? ''}${key}`;
      if (ENV_VAR_NAME.test(k)) vars.set(k, value);
      else invalid.push(k);
    }
    if (invalid.length) skipped.push({ kind, name, keys: invalid.sort() });
  }
  const refs = mappingFor(vars, ctx.services);
  for (const e of c.env ?? []) {
    const value = envValue(e, ctx, sources, refs);
    if (value !== undefined) vars.set(e.name, value);
  }
  for (const [k, v] of ctx.services) if (!vars.has(k)) vars.set(k, v);
  return { vars, skipped };
}

/** One env entry's value; undefined when an optional source or key is missing (the variable is left out). */
function envValue(
  e: NonNullable<Container['env']>[number],
  ctx: EnvContext,
  sources: ConfigLookup,
  refs: Mapping,
): string | undefined {
  const ns = ctx.pod.metadata.namespace;
  if (e.value) return expand(e.value, refs);
  const from = e.valueFrom;
  if (!from) return '';
  if (from.fieldRef) return fieldRef(from.fieldRef.fieldPath, ctx);
  if (from.configMapKeyRef) {
    const { name = '', key, optional = false } = from.configMapKeyRef;
    const cm = lookup(sources, ns, 'configMap', name, optional);
    const value = cm?.data?.[key];
    if (cm && value === undefined && !optional)
      throw missing(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
    return value;
  }
  if (from.secretKeyRef) {
    const { name = '', key, optional = false } = from.secretKeyRef;
    const secret = lookup(sources, ns, 'secret', name, optional);
    const value = secret && secretValue(secret, key);
    if (secret && value === undefined && !optional)
      throw missing(`couldn't find key ${key} in Secret ${ns}/${name}`);
    return value?.toString('utf8');
  }
  return '';
}

/** The Warning event for skipped envFrom keys, in the kubelet's words. */
export const skippedKeysMessage = (s: SkippedKeys, namespace: string): string =>
  `Keys [${s.keys.join(', ')}] from the EnvFrom ${s.kind} ${namespace}/${s.name} were skipped since they are considered invalid environment variable names.`;

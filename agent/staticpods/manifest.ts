// One manifest file of --pod-manifest-path to the static pod it describes, pure: YAML or JSON, one Pod a
// file, decoded, defaulted and validated as a Pod created through the API is; named `<name>-<node>`, in its
// namespace (default `default`), bound to this node and stamped with upstream's config annotations. Its hash
// is upstream's static pod UID recipe (pkg/kubelet/config/common.go applyDefaults: the object, the host,
// the file), so an unchanged rewrite keeps it and any change to the pod makes a new one.
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { errorMessage } from '../errors';
import { configRefs } from '../model/config-refs';
import { DEFAULT_NAMESPACE } from '../model/meta';
import type { Pod } from '../model/pod';
import { decodePod } from '../model/pod-decode';
import type { PodPolicy } from '../model/pod-policy';
import { CONFIG_HASH, CONFIG_MIRROR, CONFIG_SOURCE, FILE_SOURCE, staticPodName } from '../model/static-pod';

/** A file as the watcher read it. */
export interface ManifestText {
  path: string;
  text: string;
}

/** A file's static pod, or why the file cannot be one. */
export type StaticManifest = { path: string; pod: Pod; hash: string } | { path: string; error: string };

export interface ManifestContext {
  nodeName: string;
  policy: PodPolicy;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with object keys sorted, so the hash does not depend on the order fields are written in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isRecord(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function parseOne(text: string): unknown {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error('not a YAML or JSON document');
  const filled = docs.filter((d) => d.contents !== null);
  for (const d of filled) if (d.errors.length) throw new Error(d.errors[0]?.message ?? 'invalid YAML');
  if (filled.length !== 1) throw new Error(`expected one Pod, found ${filled.length} documents`);
  return filled[0]?.toJSON() as unknown;
}

/**
 * What a mirror pod may not name, in the words of upstream's ServiceAccount admission plugin
 * (plugin/pkg/admission/serviceaccount/admission.go): the mirror could not be created otherwise.
 */
function mirrorRestrictions(pod: Pod, raw: Record<string, unknown>): string[] {
  const spec = isRecord(raw['spec']) ? raw['spec'] : {};
  const out: string[] = [];
  if (spec['serviceAccountName'] || spec['serviceAccount'])
    out.push('a mirror pod may not reference service accounts');
  const refs = configRefs(pod);
  if (refs.secrets.size || (pod.spec.imagePullSecrets ?? []).length)
    out.push('a mirror pod may not reference secrets');
  if (refs.configMaps.size) out.push('a mirror pod may not reference configmaps');
  return out;
}

export function parseManifest(file: ManifestText, ctx: ManifestContext): StaticManifest {
  const { path } = file;
  try {
    const raw = parseOne(file.text);
    if (!isRecord(raw)) throw new Error('not a Pod object');
    if (raw['kind'] !== 'Pod') throw new Error(`kind ${JSON.stringify(raw['kind'])} is not Pod`);
    const meta = isRecord(raw['metadata']) ? raw['metadata'] : {};
    if (typeof meta['name'] !== 'string' || !meta['name']) throw new Error('metadata.name: Required value');
    const namespace = typeof meta['namespace'] === 'string' && meta['namespace'] ? meta['namespace'] : '';
    const named = {
      ...raw,
      metadata: {
        ...meta,
        name: staticPodName(meta['name'], ctx.nodeName),
        namespace: namespace || DEFAULT_NAMESPACE,
      },
    };
    const hash = createHash('md5') // not for secrecy: upstream's UID recipe, 32 hex digits
      .update(canonical(named))
      .update(`host:${ctx.nodeName}`)
      .update(`file:${path}`)
      .digest('hex');
    const pod = decodePod(named, named.metadata.namespace, ctx.policy);
    const refused = mirrorRestrictions(pod, raw);
    if (refused.length) throw new Error(refused.join('; '));
    pod.spec.nodeName = ctx.nodeName;
    pod.metadata.annotations = {
      ...(pod.metadata.annotations ?? {}),
      [CONFIG_SOURCE]: FILE_SOURCE,
      [CONFIG_HASH]: hash,
      [CONFIG_MIRROR]: hash,
    };
    return { path, pod, hash };
  } catch (err) {
    return { path, error: errorMessage(err) };
  }
}

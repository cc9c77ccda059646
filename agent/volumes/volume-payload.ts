// What a configMap, secret, downwardAPI or projected volume holds: its files (MakePayload in upstream's
// configmap, secret and projected volume plugins), or the FailedMount reason when a source is missing.
import { MiniKubeletError } from '../errors';
import type { KeyToPath, Pod, Volume } from '../model/pod';
import type { FileProjection } from './atomic-writer';
import type { ConfigKind, ConfigObjects } from './config-source';
import { type NodeAllocatable, downwardApiFiles } from './downward-api';
import type { ProjectedTokens } from './service-account-tokens';

/** The volume plugin's directory name under the pod's volumes/ (as the kubelet's kubernetes.io~<plugin>). */
export function pluginOf(v: Volume): string | undefined {
  if (v.configMap) return 'kubernetes.io~configmap';
  if (v.secret) return 'kubernetes.io~secret';
  if (v.downwardAPI) return 'kubernetes.io~downward-api';
  if (v.projected) return 'kubernetes.io~projected';
  return undefined;
}

/** A missing source: the pod waits in ContainerCreating with a FailedMount event. */
export class MissingSource extends MiniKubeletError {
  constructor(message: string) {
    super('NotFound', message);
  }
}

export interface PayloadResult {
  files: Map<string, FileProjection>;
  /** Every source read is immutable: the volume never needs reading again. */
  immutable: boolean;
}

interface SourceRef {
  kind: ConfigKind;
  name: string;
  items?: KeyToPath[] | undefined;
  optional?: boolean | undefined;
}

const NOUN: Record<ConfigKind, string> = { ConfigMap: 'configmap', Secret: 'secret' };
const KEY_NOUN: Record<ConfigKind, string> = { ConfigMap: 'config key', Secret: 'secret key' };

type Source = { items?: KeyToPath[] | undefined; optional?: boolean | undefined };
const ref = (kind: ConfigKind, name: string | undefined, src: Source): SourceRef => ({
  kind,
  name: name ?? '',
  items: src.items,
  optional: src.optional,
});

/** The ConfigMap or Secret sources of a volume (a projected one has several). */
export function configSources(v: Volume): SourceRef[] {
  const out: SourceRef[] = [];
  if (v.configMap) out.push(ref('ConfigMap', v.configMap.name, v.configMap));
  if (v.secret) out.push(ref('Secret', v.secret.secretName, v.secret));
  for (const p of v.projected?.sources ?? []) {
    if (p.configMap) out.push(ref('ConfigMap', p.configMap.name, p.configMap));
    if (p.secret) out.push(ref('Secret', p.secret.name, p.secret));
  }
  return out;
}

function addSource(
  out: PayloadResult,
  src: SourceRef,
  namespace: string,
  defaultMode: number,
  config: ConfigObjects,
): void {
  const obj = config.get(src.kind, namespace, src.name);
  if (!obj) {
    out.immutable = false; // it may appear later
    if (src.optional) return;
    throw new MissingSource(`${NOUN[src.kind]} "${src.name}" not found`);
  }
  out.immutable &&= obj.immutable;
  if (!src.items?.length) {
    for (const [key, data] of obj.files) out.files.set(key, { data, mode: defaultMode });
    return;
  }
  for (const item of src.items) {
    const data = obj.files.get(item.key);
    if (!data) {
      if (src.optional) continue;
      throw new MissingSource(`${NOUN[src.kind]} references non-existent ${KEY_NOUN[src.kind]}: ${item.key}`);
    }
    out.files.set(item.path, { data, mode: item.mode ?? defaultMode });
  }
}

/**
 * The files of the volume now; throws MissingSource when a required source or key is not there, or a token
 * source has no issuer (`tokens` absent).
 */
export function volumePayload(
  pod: Pod,
  v: Volume,
  config: ConfigObjects,
  node: NodeAllocatable,
  tokens?: ProjectedTokens,
): PayloadResult {
  const out: PayloadResult = { files: new Map(), immutable: true };
  const ns = pod.metadata.namespace;
  const defaultMode =
    v.configMap?.defaultMode ??
    v.secret?.defaultMode ??
    v.downwardAPI?.defaultMode ??
    v.projected?.defaultMode ??
    0o644;
  for (const src of configSources(v)) addSource(out, src, ns, defaultMode, config);
  const downward = [
    ...(v.downwardAPI?.items ?? []),
    ...(v.projected?.sources ?? []).flatMap((p) => p.downwardAPI?.items ?? []),
  ];
  if (downward.length) {
    out.immutable = false; // labels and annotations change
    for (const [path, file] of downwardApiFiles(pod, downward, defaultMode, node)) out.files.set(path, file);
  }
  for (const p of v.projected?.sources ?? []) {
    if (!p.serviceAccountToken) continue;
    if (!tokens) throw new MissingSource('no ServiceAccount token issuer on this node');
    out.immutable = false; // refreshed before it expires
    const data = Buffer.from(tokens.token(pod, p.serviceAccountToken));
    out.files.set(p.serviceAccountToken.path, { data, mode: defaultMode });
  }
  return out;
}

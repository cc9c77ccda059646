// What volumes read ConfigMaps and Secrets through: the files of a stored object by name and a change
// signal; fromConfigSources adapts the read port over the stores (agent/ports/config-sources.ts).
import type { ConfigSources } from '../ports/config-sources';

export type ConfigKind = 'ConfigMap' | 'Secret';

/** A ConfigMap or Secret as volumes need it; values are the file contents. */
export interface ConfigObject {
  /** key -> bytes (ConfigMap `data` as UTF-8, `binaryData` and Secret `data` decoded from base64). */
  files: ReadonlyMap<string, Buffer>;
  immutable: boolean;
}

export interface ConfigObjects {
  get(kind: ConfigKind, namespace: string, name: string): ConfigObject | undefined;
  /** Calls back after each create, update or delete; returns the unsubscribe. */
  onChange(listener: (kind: ConfigKind, namespace: string, name: string) => void): () => void;
}

export const noConfigObjects: ConfigObjects = {
  get: () => undefined,
  onChange: () => () => undefined,
};

/** A stored object's files: `data` as text, `binaryData` from base64 (a ConfigMap); `data` from base64 (a Secret). */
export function configObject(
  kind: ConfigKind,
  object: { data?: Record<string, string>; binaryData?: Record<string, string>; immutable?: boolean },
): ConfigObject {
  const files = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(object.data ?? {}))
    files.set(k, kind === 'Secret' ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(object.binaryData ?? {})) files.set(k, Buffer.from(v, 'base64'));
  return { files, immutable: object.immutable === true };
}

/** The volumes' view of the ConfigMap and Secret stores. */
export function fromConfigSources(sources: ConfigSources): ConfigObjects {
  return {
    get(kind, namespace, name) {
      const o = kind === 'ConfigMap' ? sources.configMap(namespace, name) : sources.secret(namespace, name);
      return o ? configObject(kind, o) : undefined;
    },
    onChange: (listener) => sources.onChange((c) => listener(c.kind, c.namespace, c.name)),
  };
}

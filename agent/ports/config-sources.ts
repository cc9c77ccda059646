// What the sync side reads of ConfigMaps and Secrets (env, envFrom, volumes, image pull secrets): one object
// by namespace and name, and a notice when one changes, so a pod waiting for it is woken at once instead of
// on the next resync. Implemented over the stores in agent/config/config-sources.ts.
import type { ConfigMap, Secret } from '../model/config-objects';

export type ConfigSourceKind = 'ConfigMap' | 'Secret';

export interface ConfigSourceChange {
  kind: ConfigSourceKind;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  namespace: string;
  name: string;
}

export interface ConfigSources {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  /** Called after each change of any ConfigMap or Secret (synchronously, after the store's write); returns unsubscribe. */
  onChange(fn: (change: ConfigSourceChange) => void): () => void;
}

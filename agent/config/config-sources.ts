// The ConfigSources port (agent/ports/config-sources.ts) over the ConfigMap and Secret stores.
import type { ConfigMap, Secret } from '../model/config-objects';
import type { ConfigSourceChange, ConfigSources } from '../ports/config-sources';
import type { ObjectStore } from '../store/object-store';

export function storeConfigSources(
  configMaps: ObjectStore<ConfigMap>,
  secrets: ObjectStore<Secret>,
): ConfigSources {
  return {
    configMap: (namespace, name) => configMaps.get(namespace, name),
    secret: (namespace, name) => secrets.get(namespace, name),
    onChange(fn: (c: ConfigSourceChange) => void) {
      const tell =
        (kind: ConfigSourceChange['kind']) =>
        ({ type, object }: { type: ConfigSourceChange['type']; object: ConfigMap | Secret }) =>
          fn({ kind, type, namespace: object.metadata.namespace, name: object.metadata.name });
      const offs = [configMaps.onChange(tell('ConfigMap')), secrets.onChange(tell('Secret'))];
      return () => offs.forEach((off) => off());
    },
  };
}

// ConfigMaps and Secrets held in memory for volume tests, behind the port volumes read (ConfigObjects).
import { type ConfigKind, type ConfigObjects, configObject } from '../../agent/volumes/config-source';

type Body = { data?: Record<string, string>; binaryData?: Record<string, string>; immutable?: boolean };

export class FakeConfigObjects implements ConfigObjects {
  private readonly objects = new Map<string, { kind: ConfigKind; body: Body }>();
  private readonly listeners = new Set<(kind: ConfigKind, namespace: string, name: string) => void>();

  get(kind: ConfigKind, namespace: string, name: string): ReturnType<ConfigObjects['get']> {
    const o = this.objects.get(`${kind}/${namespace}/${name}`);
    return o ? configObject(kind, o.body) : undefined;
  }

  onChange(listener: (kind: ConfigKind, namespace: string, name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Creates or replaces the object (Secret `data` values in base64, as the API holds them). */
  put(kind: ConfigKind, name: string, body: Body, namespace = 'default'): void {
    this.objects.set(`${kind}/${namespace}/${name}`, { kind, body });
    for (const l of this.listeners) l(kind, namespace, name);
  }

  remove(kind: ConfigKind, name: string, namespace = 'default'): void {
    this.objects.delete(`${kind}/${namespace}/${name}`);
    for (const l of this.listeners) l(kind, namespace, name);
  }
}

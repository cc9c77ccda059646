// ValidateServiceUpdate for ClusterIP Services: the name and the allocated ClusterIP stay; an update
// that leaves clusterIP empty keeps the allocated one (as the API server does since 1.20).
import { fieldError, invalidError } from './field-errors';
import type { Service } from './service';
import { decodeService } from './service-decode';
import { isObject } from './shape';

export function decodeServiceUpdate(old: Service, raw: unknown): Service {
  const m = old.metadata;
  const body = isObject(raw)
    ? { ...raw, metadata: { ...(isObject(raw.metadata) ? raw.metadata : {}) } }
    : raw;
  if (isObject(body)) {
    const name = (body.metadata as Record<string, unknown>).name;
    if (name !== undefined && name !== m.name) {
      throw invalidError('Service', m.name, [
        fieldError('Invalid', 'metadata.name', name, 'field is immutable'),
      ]);
    }
    (body.metadata as Record<string, unknown>).name = m.name;
  }
  const next = decodeService(body, m.namespace);
  const ip = next.spec.clusterIP;
  if (ip && ip !== old.spec.clusterIP) {
    throw invalidError('Service', m.name, [
      fieldError('Invalid', 'spec.clusterIPs[0]', ip, 'may not change once set'),
    ]);
  }
  next.spec.clusterIP = old.spec.clusterIP;
  next.spec.clusterIPs = [old.spec.clusterIP];
  const keep = { uid: m.uid, creationTimestamp: m.creationTimestamp, resourceVersion: m.resourceVersion };
  next.metadata = { ...next.metadata, ...keep };
  return next;
}

// Defaults the API server fills in before validation (pkg/apis/core/v1/defaults.go), with one documented
// difference unless --pull-latest-always: an unset imagePullPolicy is IfNotPresent even for :latest,
// because this node is usually offline.
import type { Container, DownwardAPIVolumeFile, Pod, VolumeProjection } from './pod';
import { isObject } from './shape';

export interface DefaultOptions {
  /** The API server's rule: Always for an image with tag `latest` or no tag (and no digest). */
  pullLatestAlways?: boolean;
}

/** Does the reference name the `latest` tag, or no tag and no digest? */
export function isLatest(image: string): boolean {
  if (image.includes('@')) return false;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  return colon < 0 || last.slice(colon + 1) === 'latest';
}

function defaultContainer(c: Container, o: DefaultOptions): void {
  c.imagePullPolicy ??=
    o.pullLatestAlways && typeof c.image === 'string' && isLatest(c.image) ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
    if (!probe) continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
    if (probe.httpGet) {
      probe.httpGet.path ??= '/';
      probe.httpGet.scheme ??= 'HTTP';
    }
  }
}

/** Fills spec defaults in place. Identity fields (uid, timestamps) are the store's job. */
export function applyPodDefaults(pod: Pod, o: DefaultOptions = {}): Pod {
  const spec = pod.spec;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.enableServiceLinks ??= true;
  spec.schedulerName ??= 'default-scheduler';
  // SetDefaults_PodSpec: clients read it without a nil check (kubectl debug's warning does).
  spec['securityContext'] ??= {};
  // A null or other non-object entry is left for validation to name (`must be an object`).
  for (const c of spec.containers ?? []) if (isObject(c)) defaultContainer(c, o);
  for (const c of spec.initContainers ?? []) if (isObject(c)) defaultContainer(c, o);
  for (const c of spec.ephemeralContainers ?? []) if (isObject(c)) defaultContainer(c, o);
  for (const v of spec.volumes ?? []) {
    if (!isObject(v)) continue;
    if (!v.hostPath && !v.emptyDir && Object.keys(v).length === 1) v.emptyDir = {};
    // SetDefaults_{ConfigMap,Secret,DownwardAPI,Projected}VolumeSource: files are 0644 unless told otherwise.
    for (const t of ['configMap', 'secret', 'downwardAPI', 'projected'] as const) {
      const src = v[t];
      if (isObject(src)) src.defaultMode ??= 0o644;
    }
    // SetDefaults_ServiceAccountTokenProjection: an hour.
    const sources: unknown = v.projected?.sources;
    for (const p of Array.isArray(sources) ? (sources as VolumeProjection[]) : [])
      if (isObject(p?.serviceAccountToken)) p.serviceAccountToken.expirationSeconds ??= 3600;
    const files: unknown = v.downwardAPI?.items;
    for (const item of Array.isArray(files) ? (files as DownwardAPIVolumeFile[]) : [])
      if (isObject(item?.fieldRef)) item.fieldRef.apiVersion ??= 'v1';
  }
  return pod;
}

// Defaults the API server fills in before validation (pkg/apis/core/v1/defaults.go), with one documented
// difference: an unset imagePullPolicy is IfNotPresent even for :latest, because this node is offline.
import type { Container, Pod } from './pod';
import { isObject } from './shape';

function defaultContainer(c: Container): void {
  c.imagePullPolicy ??= 'IfNotPresent';
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
export function applyPodDefaults(pod: Pod): Pod {
  const spec = pod.spec;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.enableServiceLinks ??= true;
  spec.schedulerName ??= 'default-scheduler';
  // A null or other non-object entry is left for validation to name (`must be an object`).
  for (const c of spec.containers ?? []) if (isObject(c)) defaultContainer(c);
  for (const c of spec.initContainers ?? []) if (isObject(c)) defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (!isObject(v)) continue;
    if (!v.hostPath && !v.emptyDir && Object.keys(v).length === 1) v.emptyDir = {};
  }
  return pod;
}

// ValidateVolumeMounts (pkg/apis/core/validation): each mount names a volume of the pod and a unique path;
// subPath and subPathExpr are relative and without `..`; plus what the engine's bind syntax
// (source:target[:options]) cannot carry.
import { fieldError, type FieldError } from '../field-errors';
import type { VolumeMount } from '../pod';
import { localDescendingPath } from './local-path';

/** `field` is the container's path (`spec.containers[0]`); `volumes` the pod's volume names. */
export function validateVolumeMounts(
  mounts: readonly VolumeMount[] | undefined,
  field: string,
  volumes: ReadonlySet<string>,
  out: FieldError[],
): void {
  const mountPaths = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const f = `${field}.volumeMounts[${i}]`;
    if (!m?.name) out.push(fieldError('Required', `${f}.name`));
    else if (!volumes.has(m.name)) out.push(fieldError('NotFound', `${f}.name`, m.name));
    if (!m?.mountPath) out.push(fieldError('Required', `${f}.mountPath`));
    else {
      if (mountPaths.has(m.mountPath))
        out.push(fieldError('Invalid', `${f}.mountPath`, m.mountPath, 'must be unique'));
      mountPaths.add(m.mountPath);
      // The engine's bind syntax is source:target[:options]: a ':' would smuggle in options.
      if (m.mountPath.includes(':'))
        out.push(fieldError('Invalid', `${f}.mountPath`, m.mountPath, "must not contain ':'"));
    }
    if (typeof m?.subPath === 'string' && m.subPath) localDescendingPath(m.subPath, `${f}.subPath`, out);
    if (typeof m?.subPathExpr === 'string' && m.subPathExpr) {
      if (m.subPath) {
        const detail = 'subPathExpr and subPath are mutually exclusive';
        out.push(fieldError('Invalid', `${f}.subPathExpr`, m.subPathExpr, detail));
      }
      localDescendingPath(m.subPathExpr, `${f}.subPathExpr`, out);
    }
  });
}

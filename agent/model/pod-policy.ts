// What pods may do on this host, decided by the daemon's allow-flags: anything that reaches past the
// container (privileged mode, host namespaces, extra capabilities, host paths, the engine socket) is
// refused unless the flag that allows it was given. Each refusal names that flag.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { Container, Pod } from './pod';
import { fieldError, type FieldError } from './field-errors';

export interface PodPolicy {
  allowPrivileged: boolean;
  /** Host directories (already resolved) under which hostPath volumes may point. */
  allowHostPaths: readonly string[];
  allowDockerSocket: boolean;
  /** Engine sockets (resolved), refused even under an allowed host path. */
  dockerSockets: readonly string[];
  /** --pull-latest-always: unset imagePullPolicy defaults as upstream's (Always for :latest). */
  pullLatestAlways?: boolean;
}

/** The capabilities Docker grants by default: adding one of these changes nothing. */
export const DEFAULT_CAPABILITIES = new Set([
  'CHOWN',
  'DAC_OVERRIDE',
  'FSETID',
  'FOWNER',
  'MKNOD',
  'NET_RAW',
  'SETGID',
  'SETUID',
  'SETFCAP',
  'SETPCAP',
  'NET_BIND_SERVICE',
  'SYS_CHROOT',
  'KILL',
  'AUDIT_WRITE',
]);

const PRIVILEGED = 'start minikubelet with --allow-privileged to allow it';

/** The real path of p, resolving `..` and every symlink of the part that exists. */
export function resolveHostPath(p: string): string {
  const abs = resolve('/', p);
  let existing = abs;
  while (!existsSync(existing) && existing !== dirname(existing)) existing = dirname(existing);
  const real = realpathSync(existing);
  return resolve(real, abs.slice(existing.length).replace(/^\//, ''));
}

const under = (path: string, dir: string): boolean =>
  path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

function checkContainer(c: Container, field: string, policy: PodPolicy, out: FieldError[]): void {
  const sc = c.securityContext;
  if (sc?.privileged && !policy.allowPrivileged) {
    out.push(
      fieldError(
        'Forbidden',
        `${field}.securityContext.privileged`,
        undefined,
        `disallowed by cluster policy; ${PRIVILEGED}`,
      ),
    );
  }
  (sc?.capabilities?.add ?? []).forEach((cap, i) => {
    const name = cap.toUpperCase().replace(/^CAP_/, '');
    if (!DEFAULT_CAPABILITIES.has(name) && !policy.allowPrivileged) {
      out.push(
        fieldError(
          'Forbidden',
          `${field}.securityContext.capabilities.add[${i}]`,
          undefined,
          `capability ${name} is beyond the engine's defaults; ${PRIVILEGED}`,
        ),
      );
    }
  });
}

export function checkPodPolicy(pod: Pod, policy: PodPolicy): FieldError[] {
  const out: FieldError[] = [];
  const spec = pod.spec;
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[ns] && !policy.allowPrivileged)
      out.push(
        fieldError('Forbidden', `spec.${ns}`, undefined, `disallowed by cluster policy; ${PRIVILEGED}`),
      );
  }
  (spec.initContainers ?? []).forEach((c, i) => checkContainer(c, `spec.initContainers[${i}]`, policy, out));
  spec.containers.forEach((c, i) => checkContainer(c, `spec.containers[${i}]`, policy, out));
  (spec.ephemeralContainers ?? []).forEach((c, i) =>
    checkContainer(c, `spec.ephemeralContainers[${i}]`, policy, out),
  );
  (spec.volumes ?? []).forEach((v, i) => {
    if (!v.hostPath) return;
    const field = `spec.volumes[${i}].hostPath.path`;
    const real = resolveHostPath(v.hostPath.path);
    const socket = policy.dockerSockets.find((s) => under(s, real));
    if (socket && !policy.allowDockerSocket) {
      out.push(
        fieldError(
          'Forbidden',
          field,
          undefined,
          `${JSON.stringify(v.hostPath.path)} exposes the Docker engine socket (${socket}), which gives root on the host; start minikubelet with --allow-docker-socket to allow it`,
        ),
      );
      return;
    }
    if (!policy.allowHostPaths.some((dir) => under(real, dir))) {
      const shown =
        real === v.hostPath.path ? JSON.stringify(real) : `${JSON.stringify(v.hostPath.path)} (${real})`;
      out.push(
        fieldError(
          'Forbidden',
          field,
          undefined,
          `${shown} is not under an allowed host path; start minikubelet with --allow-host-path=${real} (or a parent directory) to allow it`,
        ),
      );
    }
  });
  return out;
}

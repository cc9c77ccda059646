// Turns a pod's container into the runtime's ContainerSpec: command/args with their `$(VAR)` references
// expanded from the resolved env (ExpandContainerCommandAndArgs), the env (container-env.ts), mounts, limits
// and security settings.
import { expand, mappingFor } from '../model/env-expansion';
import type { Container, Pod } from '../model/pod';
import { parseQuantity } from '../model/quantity';
import { specHash } from '../planner/spec-hash';
import type { ContainerSpec, Mount, PodContainerKind } from '../runtime/runtime';

export interface ContainerContext {
  pod: Pod;
  kind: PodContainerKind;
  restartCount: number;
  sandboxId: string;
  podIP: string;
  hostIP: string;
  files: { resolvConf: string; hosts: string };
  /** Name to value, resolved by container-env.ts. */
  env: ReadonlyMap<string, string>;
  /** The container's volume mounts, resolved (PodVolumes.mounts). */
  volumeMounts: Mount[];
  /** An ephemeral container's target: the container whose PID namespace it joins. */
  pidContainer?: string;
}

function mounts(ctx: ContainerContext): Mount[] {
  const out = [...ctx.volumeMounts];
  const own = new Set(out.map((m) => m.target));
  if (!own.has('/etc/resolv.conf')) out.push({ source: ctx.files.resolvConf, target: '/etc/resolv.conf' });
  if (!own.has('/etc/hosts')) out.push({ source: ctx.files.hosts, target: '/etc/hosts' });
  return out;
}

export function containerSpec(c: Container, ctx: ContainerContext): ContainerSpec {
  const m = ctx.pod.metadata;
  const limits = c.resources?.limits ?? {};
  const memory = limits.memory !== undefined ? parseQuantity(limits.memory) : undefined;
  const cpu = limits.cpu !== undefined ? parseQuantity(limits.cpu) : undefined;
  const sc = c.securityContext;
  const user =
    sc?.runAsUser !== undefined
      ? `${sc.runAsUser}${sc.runAsGroup !== undefined ? `:${sc.runAsGroup}` : ''}`
      : undefined;
  const refs = mappingFor(ctx.env);
  const expandRefs = (s: string): string => expand(s, refs);
  return {
    identity: {
      podUid: m.uid,
      podName: m.name,
      podNamespace: m.namespace,
      kind: ctx.kind,
      name: c.name,
      attempt: ctx.restartCount,
      specHash: specHash(c),
      sandboxId: ctx.sandboxId,
    },
    image: c.image,
    ...(c.command ? { command: c.command.map(expandRefs) } : {}),
    ...(c.args ? { args: c.args.map(expandRefs) } : {}),
    env: [...ctx.env].map(([k, v]) => `${k}=${v}`),
    ...(c.workingDir ? { workingDir: c.workingDir } : {}),
    ...(user ? { user } : {}),
    mounts: mounts(ctx),
    readOnlyRootfs: sc?.readOnlyRootFilesystem ?? false,
    privileged: sc?.privileged ?? false,
    ...(sc?.capabilities?.add?.length ? { capAdd: sc.capabilities.add } : {}),
    ...(sc?.capabilities?.drop?.length ? { capDrop: sc.capabilities.drop } : {}),
    ...(ctx.pod.spec.hostPID ? { hostPid: true } : {}),
    ...(ctx.pod.spec.hostIPC ? { hostIpc: true } : {}),
    ...(ctx.pidContainer ? { pidContainer: ctx.pidContainer } : {}),
    ...(memory ? { memoryBytes: Math.round(memory) } : {}),
    ...(cpu ? { nanoCpus: Math.round(cpu * 1e9) } : {}),
    tty: c.tty ?? false,
    stdin: c.stdin ?? false,
    // kubectl run -i: stdin closes when the first attach ends, so the shell sees EOF
    ...(c.stdinOnce ? { stdinOnce: true } : {}),
  };
}

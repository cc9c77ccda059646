// Logs of a pod's container: the current instance, or the previous one, of an app, init or ephemeral container
// (the PodLogs port of agent/ports/pod-logs.ts, on the container runtime).
import { MiniKubeletError, badRequest } from '../errors';
import { kindOf } from '../planner/kill';
import { PodView } from '../planner/pod-view';
import type { PodLogs } from '../ports/pod-logs';
import type { ContainerRuntime } from '../runtime/runtime';
import type { Pod } from '../model/pod';
import { runtimePod } from '../model/static-pod';

export function podLogs(runtime: ContainerRuntime): PodLogs {
  return async (pod, request) => {
    const m = pod.metadata;
    const apps = pod.spec.containers.map((c) => c.name);
    const inits = (pod.spec.initContainers ?? []).map((c) => c.name);
    let name = request.container;
    if (!name) {
      if (apps.length !== 1) {
        throw badRequest(
          `a container name must be specified for pod ${m.name}, choose one of: [${apps.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`,
        );
      }
      name = apps[0] ?? '';
    }
    const kind = kindOf(pod, name);
    if (!kind) throw badRequest(`container ${name} is not valid for pod ${m.name}`);
    const view = new PodView(await runtime.listContainers(runtimePod(pod).metadata.uid));
    const instances = view.instances(kind, name);
    const target = request.previous ? instances[1] : instances[0];
    if (!target) {
      const text = request.previous
        ? `previous terminated container "${name}" in pod "${m.name}" not found`
        : `container "${name}" in pod "${m.name}" is waiting to start: ${waitingFor(pod, name, kind)}`;
      throw new MiniKubeletError('BadRequest', text);
    }
    return runtime.logs(target.id, {
      ...request,
      follow: (request.follow ?? false) && target.state === 'running',
    });
  };
}

/** Why a container has no instance yet, as the kubelet tells it: the status's waiting reason, the pulls in words. */
function waitingFor(pod: Pod, name: string, kind: string): string {
  const s = pod.status;
  const statuses = [
    ...(s.initContainerStatuses ?? []),
    ...(s.containerStatuses ?? []),
    ...(s.ephemeralContainerStatuses ?? []),
  ];
  const reason = statuses.find((c) => c.name === name)?.state.waiting?.reason;
  if (reason === 'ErrImagePull') return "image can't be pulled";
  if (reason === 'ImagePullBackOff') return 'trying and failing to pull image';
  return reason ?? (kind === 'init' ? 'PodInitializing' : 'ContainerCreating');
}

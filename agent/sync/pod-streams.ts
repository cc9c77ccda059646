// Which container of a pod exec and attach reach (the PodStreams port of agent/ports/pod-streams.ts, on
// the container runtime): the named app, init or ephemeral container, or the default one as upstream picks
// it (never an ephemeral one).
import { MiniKubeletError, badRequest } from '../errors';
import type { Pod } from '../model/pod';
import { kindOf } from '../planner/kill';
import { PodView } from '../planner/pod-view';
import type { PodStreams } from '../ports/pod-streams';
import type { ContainerRuntime } from '../runtime/runtime';
import { runtimePod } from '../model/static-pod';

/** The annotation that names the container kubectl and the API use when none is given. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

/** The container a request without `container=` is for: the annotation's, if the pod has it, else the first. */
export function defaultContainer(pod: Pod): string {
  const apps = pod.spec.containers.map((c) => c.name);
  const named = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  return named && apps.includes(named) ? named : (apps[0] ?? '');
}

export function podStreams(runtime: ContainerRuntime): PodStreams {
  return {
    async target(pod, container) {
      const m = pod.metadata;
      const name = container || defaultContainer(pod);
      const kind = kindOf(pod, name);
      if (!kind) throw badRequest(`container ${name} is not valid for pod ${m.name}`);
      const phase = pod.status.phase;
      if (phase === 'Succeeded' || phase === 'Failed')
        throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
      const view = new PodView(await runtime.listContainers(runtimePod(pod).metadata.uid));
      const running = view.instances(kind, name).find((c) => c.state === 'running');
      if (!running)
        throw new MiniKubeletError(
          'BadRequest',
          `container ${name} in pod ${m.name} is not running (unable to upgrade connection)`,
        );
      return { id: running.id, name };
    },
    exec: (id, command, options) => runtime.execStream(id, command, options),
    attach: (id, options) => runtime.attachStream(id, options),
  };
}

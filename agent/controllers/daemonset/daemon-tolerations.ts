// The tolerations upstream's daemonset controller gives every pod it creates (AddOrUpdateDaemonPodTolerations):
// a daemon runs on a node that is not ready, unreachable, under pressure or cordoned; with hostNetwork also
// where the network is unavailable. Added when the template has no equal toleration already.
import type { Pod, PodSpec } from '../../model/pod';
import type { Toleration } from '../../scheduler/tolerations';

const exists = (key: string, effect: 'NoSchedule' | 'NoExecute'): Toleration => ({
  key: `node.kubernetes.io/${key}`,
  operator: 'Exists',
  effect,
});

export function daemonTolerations(spec: Pick<PodSpec, 'hostNetwork'>): Toleration[] {
  return [
    exists('not-ready', 'NoExecute'),
    exists('unreachable', 'NoExecute'),
    exists('disk-pressure', 'NoSchedule'),
    exists('memory-pressure', 'NoSchedule'),
    exists('pid-pressure', 'NoSchedule'),
    exists('unschedulable', 'NoSchedule'),
    ...(spec.hostNetwork ? [exists('network-unavailable', 'NoSchedule')] : []),
  ];
}

const same = (a: Toleration, b: Toleration): boolean =>
  a.key === b.key &&
  a.operator === b.operator &&
  (a.value ?? '') === (b.value ?? '') &&
  a.effect === b.effect;

/** The template's tolerations with the daemon ones it lacks appended. */
export function withDaemonTolerations(spec: Pod['spec']): Toleration[] {
  const own = Array.isArray(spec['tolerations']) ? (spec['tolerations'] as Toleration[]) : [];
  return [...own, ...daemonTolerations(spec).filter((t) => !own.some((o) => same(o, t)))];
}

// The DefaultTolerationSeconds admission plugin: a new pod that does not tolerate the node's not-ready and
// unreachable NoExecute taints already gets a toleration of each for 300 s (upstream's default
// --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds), so that it would be
// evicted five minutes after its node went away rather than at once.
import type { Pod } from '../model/pod';
import { type Toleration, tolerationsOf } from '../scheduler/tolerations';

export const DEFAULT_TOLERATION_SECONDS = 300;
const KEYS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

/** A toleration covers the key's NoExecute taint when its key is that one or empty, its effect that or empty. */
const covers = (t: Toleration, key: string): boolean =>
  (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute');

export function addDefaultTolerations(pod: Pod): void {
  const own = tolerationsOf(pod);
  const added: Toleration[] = KEYS.filter((key) => !own.some((t) => covers(t, key))).map((key) => ({
    key,
    operator: 'Exists',
    effect: 'NoExecute',
    tolerationSeconds: DEFAULT_TOLERATION_SECONDS,
  }));
  if (added.length) pod.spec.tolerations = [...own, ...added];
}

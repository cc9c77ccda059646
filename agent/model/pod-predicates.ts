// The predicates the kubelet names, in one place, so no module re-tests restartPolicy by hand.
import type { Container, Pod } from './pod';

/** A restartable init container (restartPolicy Always): it keeps running beside the app containers. */
export const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

/** The kubelet's ShouldRestartOnFailure: a failed container is started again unless restartPolicy is Never. */
export const shouldRestartOnFailure = (pod: Pod): boolean => pod.spec.restartPolicy !== 'Never';

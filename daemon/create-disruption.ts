// disruption: the PodDisruptionBudget store (policy/v1), its write path, the disruption controller over the
// pods and the scale of Deployments, ReplicaSets and StatefulSets, and the pods/eviction subresource's
// executor (agent/disruption/).
import type { Clock } from '../agent/clock';
import { DisruptionController } from '../agent/disruption/disruption-controller';
import { Evictions } from '../agent/disruption/evictions';
import { PdbRegistry } from '../agent/disruption/pdb-registry';
import type { ScaleOwner } from '../agent/disruption/plan-disruption';
import type { EventRecorder } from '../agent/events/recorder';
import type { Logger } from '../agent/log';
import type { PodDisruptionBudget } from '../agent/model/pdb';
import type { Pod } from '../agent/model/pod';
import type { ObjectStore, StoredObject } from '../agent/store/object-store';
import type { Registry } from '../agent/store/registry';

export interface DisruptionOptions {
  /** Made before the rest: the namespace controller deletes a namespace's budgets. */
  pdbs: ObjectStore<PodDisruptionBudget>;
  pods: ObjectStore<Pod>;
  podRegistry: Registry<Pod>;
  /** Deployments, ReplicaSets, StatefulSets. */
  owners: ObjectStore<StoredObject & ScaleOwner>[];
  events: EventRecorder;
  clock: Clock;
  logger: Logger;
}

export interface Disruption {
  pdbs: ObjectStore<PodDisruptionBudget>;
  registry: PdbRegistry;
  evictions: Evictions;
  controller: DisruptionController;
}

export function createDisruption(o: DisruptionOptions): Disruption {
  const { pdbs, pods, clock } = o;
  const registry = new PdbRegistry(pdbs);
  const controller = new DisruptionController({
    pdbs,
    registry,
    pods,
    owners: o.owners,
    events: o.events,
    clock,
    logger: o.logger.child({ component: 'disruption' }),
  });
  const evictions = new Evictions({ pods, podRegistry: o.podRegistry, pdbs, pdbRegistry: registry, clock });
  return { pdbs, registry, evictions, controller };
}

// The pods/eviction subresource's executor: plans the eviction (plan-eviction.ts, pure) from the pod and the
// budgets of its namespace, writes the decremented budget, then deletes the pod with the eviction's
// DeleteOptions (grace, preconditions) through the pod registry.
import type { Clock } from '../clock';
import type { PodDisruptionBudget } from '../model/pdb';
import type { Pod } from '../model/pod';
import type { ObjectStore } from '../store/object-store';
import type { DeleteOptions, Registry } from '../store/registry';
import type { PdbRegistry } from './pdb-registry';
import { planEviction } from './plan-eviction';

export interface EvictionsDeps {
  pods: ObjectStore<Pod>;
  podRegistry: Registry<Pod>;
  pdbs: ObjectStore<PodDisruptionBudget>;
  pdbRegistry: PdbRegistry;
  clock: Clock;
}

export type EvictionOutcome = { evicted: Pod } | { multipleBudgets: true };

export class Evictions {
  constructor(private readonly deps: EvictionsDeps) {}

  /** Evicts the pod, or throws the error refusing it (NotFound, TooManyRequests, a precondition's Conflict). */
  evict(namespace: string, name: string, opts: DeleteOptions = {}): EvictionOutcome {
    const { pods, pdbs, clock } = this.deps;
    const pod = pods.mustGet(namespace, name);
    const plan = planEviction(pod, pdbs.list(namespace), clock.now());
    if (plan.action === 'multiple-budgets') return { multipleBudgets: true };
    if (plan.budget && !opts.dryRun)
      this.deps.pdbRegistry.updateStatus(namespace, plan.budget.name, plan.budget.status);
    return { evicted: this.deps.podRegistry.delete(namespace, name, opts) };
  }
}

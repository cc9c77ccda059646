// The pods/eviction subresource's executor: plans the eviction (plan-eviction.ts, pure) from the pod and the
// budgets of its namespace, writes the decremented budget, marks the pod DisruptionTarget
// (EvictionByEvictionAPI; not on a dry run), then deletes it with the eviction's DeleteOptions (grace,
// preconditions) through the pod registry.
import type { Clock } from '../clock';
import type { PodDisruptionBudget } from '../model/pdb';
import type { Pod } from '../model/pod';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry } from '../store/registry';
import { EVICTION_BY_EVICTION_API, markDisruptionTarget } from './disruption-target';
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
    return { evicted: this.deps.podRegistry.delete(namespace, name, this.markTarget(pod, opts)) };
  }

  /**
   * addConditionAndDeletePod: the preconditions checked against the pod first, the condition written, and a
   * resourceVersion precondition moved to the version that write made (the write was the eviction's own).
   */
  private markTarget(pod: Pod, opts: DeleteOptions): DeleteOptions {
    if (opts.dryRun) return opts;
    checkPreconditions(pod, opts);
    const marked = markDisruptionTarget(this.deps.pods, pod, EVICTION_BY_EVICTION_API, this.deps.clock.now());
    return opts.resourceVersion === undefined
      ? opts
      : { ...opts, resourceVersion: marked.metadata.resourceVersion };
  }
}

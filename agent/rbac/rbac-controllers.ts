// The executors of the two RBAC planners: the bootstrap reconciliation kube-apiserver runs at start
// (plan-bootstrap.ts) and the clusterrole-aggregation controller (plan-aggregation.ts), which re-plans after
// every ClusterRole change until the aggregated roles hold what their selectors gather.
import { CoalescedController } from '../controllers/coalesced-controller';
import type { Logger } from '../log';
import type { ClusterRole, ClusterRoleBinding } from '../model/rbac';
import type { ObjectStore } from '../store/object-store';
import { BOOTSTRAP_CLUSTER_ROLES, BOOTSTRAP_CLUSTER_ROLE_BINDINGS } from './bootstrap-policy';
import { type AggregatedRules, planAggregation } from './plan-aggregation';
import { type BootstrapAction, planClusterRole, planClusterRoleBinding } from './plan-bootstrap';
import type { RbacStores } from './rbac-objects';

function apply<T extends ClusterRole | ClusterRoleBinding>(
  store: ObjectStore<T>,
  actions: BootstrapAction<T>[],
): void {
  for (const a of actions) {
    if (a.type === 'update') store.update(a.object, { specChanged: true, persist: true });
    else {
      if (a.type === 'recreate') store.remove('', a.object.metadata.name);
      store.create(a.object);
    }
  }
}

/** Creates the missing bootstrap ClusterRoles and ClusterRoleBindings and completes the others. */
export function reconcileBootstrapPolicy(stores: RbacStores, logger: Logger): void {
  for (const want of BOOTSTRAP_CLUSTER_ROLES) {
    const actions = planClusterRole(want, stores.clusterRoles.get('', want.metadata.name));
    apply(stores.clusterRoles, actions);
    for (const a of actions) logger.info(`bootstrap clusterrole ${a.type}d`, { name: want.metadata.name });
  }
  for (const want of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) {
    const actions = planClusterRoleBinding(want, stores.clusterRoleBindings.get('', want.metadata.name));
    apply(stores.clusterRoleBindings, actions);
    for (const a of actions)
      logger.info(`bootstrap clusterrolebinding ${a.type}d`, { name: want.metadata.name });
  }
}

/** Passes of one sync: deeper chains of aggregated roles than this finish on the next change. */
const MAX_PASSES = 8;

export class ClusterRoleAggregator {
  /** One pass after the current write (and the others of the same tick) settles: a microtask. */
  private readonly passes: CoalescedController;

  constructor(
    private readonly clusterRoles: ObjectStore<ClusterRole>,
    private readonly logger: Logger,
  ) {
    this.passes = new CoalescedController({
      sources: [clusterRoles],
      pass: () => this.sync(),
      failure: 'clusterrole aggregation failed',
      logger,
      defer: queueMicrotask,
    });
  }

  start(): void {
    this.passes.start();
  }

  stop(): void {
    this.passes.stop();
  }

  /**
   * Writes the rules of each aggregated ClusterRole that lacks them, pass after pass until none does (an
   * aggregated role may aggregate another: admin gathers edit, which gathers view); bounded, as a cycle of
   * aggregated roles could grow forever.
   */
  sync(): void {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const plan = planAggregation(this.clusterRoles.list());
      if (!plan.length) return;
      this.write(plan);
    }
  }

  private write(plan: AggregatedRules[]): void {
    for (const { name, rules } of plan) {
      const role = this.clusterRoles.get('', name);
      if (!role) continue;
      try {
        this.clusterRoles.update(
          { ...role, metadata: { ...role.metadata }, rules },
          { specChanged: true, persist: true },
        );
      } catch (err) {
        this.logger.warn('clusterrole aggregation failed', { name, error: String(err) });
      }
    }
  }
}

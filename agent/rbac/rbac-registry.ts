// Creating, updating and deleting Roles, ClusterRoles, RoleBindings and ClusterRoleBindings: decoded,
// defaulted and validated as upstream (agent/model/rbac-decode.ts); an update keeps the identity and a
// binding's roleRef. Escalation checks on these writes belong to the authorizer (api/authz/).
import { type RbacObject, decodeRbac, decodeRbacUpdate } from '../model/rbac-decode';
import type { ObjectStore } from '../store/object-store';
import { checkPreconditions } from '../store/preconditions';
import type { DeleteOptions, Registry, UpdateOptions, WriteOptions } from '../store/registry';

export class RbacRegistry<T extends RbacObject> implements Registry<T> {
  /** `namespaced`: Roles and RoleBindings; the cluster-scoped kinds are stored under namespace ''. */
  constructor(
    private readonly store: ObjectStore<T>,
    private readonly namespaced: boolean,
  ) {}

  private ns(namespace: string): string {
    return this.namespaced ? namespace : '';
  }

  create(raw: unknown, namespace: string, opts: WriteOptions = {}): T {
    return this.store.create(decodeRbac<T>(this.store.kind as T['kind'], raw, this.ns(namespace)), opts);
  }

  update(raw: unknown, namespace: string, name: string, opts: UpdateOptions = {}): T {
    const old = this.store.mustGet(this.ns(namespace), name);
    return this.store.update(decodeRbacUpdate(old, raw), { specChanged: true, persist: true, ...opts });
  }

  delete(namespace: string, name: string, opts: DeleteOptions = {}): T {
    const obj = this.store.mustGet(this.ns(namespace), name);
    checkPreconditions(obj, opts);
    return opts.dryRun ? obj : this.store.remove(this.ns(namespace), name);
  }
}

// The bootstrap policy and its reconciliation planner (kube-apiserver's at start).
import { expect } from 'chai';
import type { ClusterRole, ClusterRoleBinding } from '../../../../agent/model/rbac';
import {
  AUTOUPDATE_ANNOTATION,
  BOOTSTRAP_CLUSTER_ROLES,
  BOOTSTRAP_CLUSTER_ROLE_BINDINGS,
  BOOTSTRAP_LABEL,
} from '../../../../agent/rbac/bootstrap-policy';
import { planClusterRole, planClusterRoleBinding } from '../../../../agent/rbac/plan-bootstrap';
import { validateBinding, validateClusterRole } from '../../../../agent/model/rbac-validation';

const named = <T extends { metadata: { name: string } }>(list: readonly T[], name: string): T =>
  structuredClone(list.find((o) => o.metadata.name === name)!);

describe('bootstrap policy', () => {
  it('holds the default ClusterRoles and bindings, each valid, labelled and annotated for autoupdate', () => {
    expect(BOOTSTRAP_CLUSTER_ROLES.map((r) => r.metadata.name)).to.include.members([
      'cluster-admin',
      'admin',
      'edit',
      'view',
      'system:aggregate-to-admin',
      'system:aggregate-to-edit',
      'system:aggregate-to-view',
      'system:discovery',
      'system:basic-user',
      'system:public-info-viewer',
      'system:service-account-issuer-discovery',
      'system:auth-delegator',
    ]);
    expect(
      named(BOOTSTRAP_CLUSTER_ROLE_BINDINGS, 'system:service-account-issuer-discovery').subjects,
    ).to.deep.equal([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:serviceaccounts' },
    ]);
    for (const r of [...BOOTSTRAP_CLUSTER_ROLES, ...BOOTSTRAP_CLUSTER_ROLE_BINDINGS]) {
      expect(r.metadata.labels?.[BOOTSTRAP_LABEL], r.metadata.name).to.equal('rbac-defaults');
      expect(r.metadata.annotations?.[AUTOUPDATE_ANNOTATION], r.metadata.name).to.equal('true');
      const errors = r.kind === 'ClusterRole' ? validateClusterRole(r) : validateBinding(r);
      expect(errors, r.metadata.name).to.deep.equal([]);
    }
    expect(named(BOOTSTRAP_CLUSTER_ROLES, 'edit').metadata.labels).to.include({
      'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
    });
    expect(named(BOOTSTRAP_CLUSTER_ROLES, 'view').aggregationRule).to.deep.equal({
      clusterRoleSelectors: [{ matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } }],
    });
  });
});

describe('planClusterRole / planClusterRoleBinding (bootstrap reconciliation)', () => {
  const admin = named(BOOTSTRAP_CLUSTER_ROLES, 'cluster-admin');
  const discovery = named(BOOTSTRAP_CLUSTER_ROLES, 'system:discovery');
  const view = named(BOOTSTRAP_CLUSTER_ROLES, 'view');
  const masters = named(BOOTSTRAP_CLUSTER_ROLE_BINDINGS, 'cluster-admin');

  it('creates a missing role (deleted ones come back at the next start)', () => {
    expect(planClusterRole(admin, undefined)).to.deep.equal([{ type: 'create', object: admin }]);
  });
  it('leaves an up-to-date role alone', () => {
    expect(planClusterRole(admin, structuredClone(admin))).to.deep.equal([]);
  });
  it('adds the missing rules to an edited role, keeping the rules and labels added to it', () => {
    const have: ClusterRole = {
      ...structuredClone(discovery),
      rules: [{ verbs: ['get'], nonResourceURLs: ['/mine'] }],
    };
    have.metadata.labels = { mine: 'x' };
    const [action] = planClusterRole(discovery, have);
    expect(action?.type).to.equal('update');
    expect(action?.object.rules).to.deep.equal([
      { verbs: ['get'], nonResourceURLs: ['/mine'] },
      ...discovery.rules!,
    ]);
    expect(action?.object.metadata.labels).to.deep.equal({ [BOOTSTRAP_LABEL]: 'rbac-defaults', mine: 'x' });
  });
  it('leaves a role annotated autoupdate=false alone', () => {
    const have: ClusterRole = { ...structuredClone(discovery), rules: [] };
    have.metadata.annotations = { [AUTOUPDATE_ANNOTATION]: 'false' };
    expect(planClusterRole(discovery, have)).to.deep.equal([]);
  });
  it("adds an aggregated role's selectors, never its rules (the aggregation controller's)", () => {
    const have: ClusterRole = {
      ...structuredClone(view),
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] },
      rules: [],
    };
    const [action] = planClusterRole(view, have);
    expect(action?.object.aggregationRule?.clusterRoleSelectors).to.deep.equal([
      { matchLabels: { x: 'y' } },
      ...view.aggregationRule!.clusterRoleSelectors!,
    ]);
    expect(action?.object.rules).to.deep.equal([]);
  });
  it('adds missing subjects to a binding and recreates one whose roleRef changed', () => {
    const have: ClusterRoleBinding = {
      ...structuredClone(masters),
      subjects: [{ kind: 'User', name: 'me', apiGroup: 'rbac.authorization.k8s.io' }],
    };
    const [update] = planClusterRoleBinding(masters, have);
    expect(update?.type).to.equal('update');
    expect(update?.object.subjects?.map((s) => s.name)).to.deep.equal(['me', 'system:masters']);
    const moved = { ...structuredClone(masters), roleRef: { ...masters.roleRef, name: 'view' } };
    const [recreate] = planClusterRoleBinding(masters, moved);
    expect(recreate?.type).to.equal('recreate');
    expect(recreate?.object.roleRef.name).to.equal('cluster-admin');
    expect(planClusterRoleBinding(masters, undefined)[0]?.type).to.equal('create');
    expect(planClusterRoleBinding(masters, structuredClone(masters))).to.deep.equal([]);
  });
});

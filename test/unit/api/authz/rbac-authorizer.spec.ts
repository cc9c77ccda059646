// The RBAC evaluation (plugin/pkg/auth/authorizer/rbac, pkg/registry/rbac/validation) pinned case by case:
// every case starts from one baseline set of objects and one user and changes one thing; the expected value
// is the whole decision (allowed and upstream's reason).
import { expect } from 'chai';
import type { PolicyRule, Subject } from '../../../../agent/model/rbac';
import type { UserInfo } from '../../../../api/authn/user-info';
import { ADMIN_USER, UNAUTHENTICATED_USER, serviceAccountUser } from '../../../../api/authn/user-info';
import { apiAuthorizer } from '../../../../api/authz/authorizer';
import { compactRules, compactString, uncovered } from '../../../../api/authz/policy-rules';
import { type Decision, rbacAuthorize } from '../../../../api/authz/rbac-authorizer';
import { type RequestAttributes, nonResource } from '../../../../api/authz/request-info';
import {
  FakeRbacObjects,
  aClusterRole,
  aClusterRoleBinding,
  aRole,
  aRoleBinding,
  group,
  sa,
  user,
} from '../../../helpers/rbac-objects';

const READER = serviceAccountUser('default', 'reader', 'uid-1');
const attrs = (verb: string, resource: string, more: Partial<RequestAttributes> = {}): RequestAttributes => ({
  isResourceRequest: true,
  path: '',
  verb,
  apiGroup: '',
  apiVersion: 'v1',
  namespace: 'default',
  resource,
  subresource: '',
  name: '',
  ...more,
});
const allowedBy = (source: string): Decision => ({ allowed: true, reason: `RBAC: allowed by ${source}` });
const DENIED: Decision = { allowed: false, reason: '' };
const RB_READER = 'RoleBinding "read/default" of Role "r" to ServiceAccount "reader/default"';

/** One Role `r` in default with these rules, bound to `subject` (the reader ServiceAccount by default). */
const withRules = (rules: PolicyRule[], subject: Subject = sa('default', 'reader')) =>
  new FakeRbacObjects({
    roles: [aRole('default', 'r', rules)],
    roleBindings: [aRoleBinding('default', 'read', ['Role', 'r'], [subject])],
  });
/** A ClusterRole `c` with these rules bound cluster-wide to the reader ServiceAccount. */
const clusterWide = (rules: PolicyRule[]) =>
  new FakeRbacObjects({
    clusterRoles: [aClusterRole('c', rules)],
    clusterRoleBindings: [aClusterRoleBinding('all', 'c', [sa('default', 'reader')])],
  });
const CRB_READER = 'ClusterRoleBinding "all" of ClusterRole "c" to ServiceAccount "reader/default"';
const pods = (verbs: string[], more: Partial<PolicyRule> = {}): PolicyRule => ({
  verbs,
  apiGroups: [''],
  resources: ['pods'],
  ...more,
});

interface Case {
  name: string;
  rbac: FakeRbacObjects;
  user?: UserInfo;
  request: RequestAttributes;
  want: Decision;
}

const cases: Case[] = [
  {
    name: 'a rule with the verb allows',
    rbac: withRules([pods(['get', 'list'])]),
    request: attrs('list', 'pods'),
    want: allowedBy(RB_READER),
  },
  {
    name: 'another verb is denied without a reason',
    rbac: withRules([pods(['get'])]),
    request: attrs('delete', 'pods', { name: 'p' }),
    want: DENIED,
  },
  {
    name: 'verb *',
    rbac: withRules([pods(['*'])]),
    request: attrs('deletecollection', 'pods'),
    want: allowedBy(RB_READER),
  },
  {
    name: 'another API group is denied',
    rbac: withRules([pods(['get'])]),
    request: attrs('get', 'pods', { apiGroup: 'metrics.k8s.io' }),
    want: DENIED,
  },
  {
    name: 'apiGroups *',
    rbac: withRules([pods(['get'], { apiGroups: ['*'] })]),
    request: attrs('get', 'pods', { apiGroup: 'metrics.k8s.io' }),
    want: allowedBy(RB_READER),
  },
  {
    name: 'resources *',
    rbac: withRules([pods(['get'], { resources: ['*'] })]),
    request: attrs('get', 'configmaps'),
    want: allowedBy(RB_READER),
  },
  {
    name: 'resources * covers subresources',
    rbac: withRules([pods(['get'], { resources: ['*'] })]),
    request: attrs('get', 'pods', { name: 'p', subresource: 'log' }),
    want: allowedBy(RB_READER),
  },
  {
    name: 'pods does not cover pods/log',
    rbac: withRules([pods(['get'])]),
    request: attrs('get', 'pods', { name: 'p', subresource: 'log' }),
    want: DENIED,
  },
  {
    name: 'pods/log',
    rbac: withRules([pods(['get'], { resources: ['pods/log'] })]),
    request: attrs('get', 'pods', { name: 'p', subresource: 'log' }),
    want: allowedBy(RB_READER),
  },
  {
    name: '*/scale covers deployments/scale',
    rbac: withRules([{ verbs: ['patch'], apiGroups: ['apps'], resources: ['*/scale'] }]),
    request: attrs('patch', 'deployments', { apiGroup: 'apps', name: 'd', subresource: 'scale' }),
    want: allowedBy(RB_READER),
  },
  {
    name: '*/scale does not cover deployments',
    rbac: withRules([{ verbs: ['patch'], apiGroups: ['apps'], resources: ['*/scale'] }]),
    request: attrs('patch', 'deployments', { apiGroup: 'apps', name: 'd' }),
    want: DENIED,
  },
  {
    name: 'resourceNames allow that name',
    rbac: withRules([pods(['get'], { resourceNames: ['p'] })]),
    request: attrs('get', 'pods', { name: 'p' }),
    want: allowedBy(RB_READER),
  },
  {
    name: 'resourceNames deny another name',
    rbac: withRules([pods(['get'], { resourceNames: ['p'] })]),
    request: attrs('get', 'pods', { name: 'q' }),
    want: DENIED,
  },
  {
    name: 'resourceNames deny a list without a name',
    rbac: withRules([pods(['list'], { resourceNames: ['p'] })]),
    request: attrs('list', 'pods'),
    want: DENIED,
  },
  {
    name: 'a RoleBinding does not apply in another namespace',
    rbac: withRules([pods(['get'])]),
    request: attrs('get', 'pods', { namespace: 'team' }),
    want: DENIED,
  },
  {
    name: 'a RoleBinding does not apply at the cluster scope',
    rbac: withRules([pods(['list'])]),
    request: attrs('list', 'pods', { namespace: '' }),
    want: DENIED,
  },
  {
    name: 'a ServiceAccount subject without namespace is of the binding',
    rbac: withRules([pods(['get'])], { kind: 'ServiceAccount', name: 'reader' }),
    request: attrs('get', 'pods'),
    want: allowedBy(RB_READER),
  },
  {
    name: 'a ServiceAccount of another namespace does not match',
    rbac: withRules([pods(['get'])], sa('team', 'reader')),
    request: attrs('get', 'pods'),
    want: DENIED,
  },
  {
    name: 'a User subject',
    rbac: withRules([pods(['get'])], user('jane')),
    user: { username: 'jane', groups: ['system:authenticated'] },
    request: attrs('get', 'pods'),
    want: allowedBy('RoleBinding "read/default" of Role "r" to User "jane"'),
  },
  {
    name: 'a Group subject (every ServiceAccount of the namespace)',
    rbac: withRules([pods(['get'])], group('system:serviceaccounts:default')),
    request: attrs('get', 'pods'),
    want: allowedBy('RoleBinding "read/default" of Role "r" to Group "system:serviceaccounts:default"'),
  },
  {
    name: 'a Group the user is not in',
    rbac: withRules([pods(['get'])], group('system:serviceaccounts:team')),
    request: attrs('get', 'pods'),
    want: DENIED,
  },
  {
    name: 'a RoleBinding of a ClusterRole grants it in the namespace',
    rbac: new FakeRbacObjects({
      clusterRoles: [aClusterRole('view', [pods(['get'])])],
      roleBindings: [aRoleBinding('default', 'v', ['ClusterRole', 'view'], [sa('default', 'reader')])],
    }),
    request: attrs('get', 'pods'),
    want: allowedBy('RoleBinding "v/default" of ClusterRole "view" to ServiceAccount "reader/default"'),
  },
  {
    name: 'a ClusterRoleBinding grants in every namespace and at the cluster scope',
    rbac: new FakeRbacObjects({
      clusterRoles: [aClusterRole('view', [pods(['list'])])],
      clusterRoleBindings: [aClusterRoleBinding('v', 'view', [sa('default', 'reader')])],
    }),
    request: attrs('list', 'pods', { namespace: '' }),
    want: allowedBy('ClusterRoleBinding "v" of ClusterRole "view" to ServiceAccount "reader/default"'),
  },
  {
    name: 'a ClusterRoleBinding of a ServiceAccount without namespace matches nobody',
    rbac: new FakeRbacObjects({
      clusterRoles: [aClusterRole('view', [pods(['list'])])],
      clusterRoleBindings: [aClusterRoleBinding('v', 'view', [{ kind: 'ServiceAccount', name: 'reader' }])],
    }),
    request: attrs('list', 'pods'),
    want: DENIED,
  },
  {
    name: 'ClusterRoleBindings are visited before RoleBindings',
    rbac: new FakeRbacObjects({
      ...withRules([pods(['get'])]).all,
      clusterRoles: [aClusterRole('view', [pods(['get'])])],
      clusterRoleBindings: [aClusterRoleBinding('v', 'view', [sa('default', 'reader')])],
    }),
    request: attrs('get', 'pods'),
    want: allowedBy('ClusterRoleBinding "v" of ClusterRole "view" to ServiceAccount "reader/default"'),
  },
  {
    name: 'a binding to a missing role: denied, the role named in the reason',
    rbac: new FakeRbacObjects({
      roleBindings: [
        aRoleBinding('default', 'b', ['ClusterRole', 'gone'], [sa('default', 'reader')]),
        aRoleBinding('default', 'c', ['Role', 'lost'], [sa('default', 'reader')]),
      ],
    }),
    request: attrs('get', 'pods'),
    want: {
      allowed: false,
      reason:
        'RBAC: [clusterrole.rbac.authorization.k8s.io "gone" not found, role.rbac.authorization.k8s.io "lost" not found]',
    },
  },
  {
    name: 'one missing role: the reason without brackets',
    rbac: new FakeRbacObjects({
      clusterRoleBindings: [aClusterRoleBinding('b', 'gone', [sa('default', 'reader')])],
    }),
    request: attrs('get', 'pods'),
    want: { allowed: false, reason: 'RBAC: clusterrole.rbac.authorization.k8s.io "gone" not found' },
  },
  {
    name: 'a non-resource URL (ClusterRoleBinding)',
    rbac: clusterWide([{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]),
    request: nonResource('/healthz', 'GET'),
    want: allowedBy(CRB_READER),
  },
  {
    name: 'a RoleBinding grants no non-resource URL (they have no namespace)',
    rbac: withRules([{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]),
    request: nonResource('/healthz', 'GET'),
    want: DENIED,
  },
  {
    name: 'a non-resource URL prefix with *',
    rbac: clusterWide([{ verbs: ['get'], nonResourceURLs: ['/metrics*'] }]),
    request: nonResource('/metrics/resource', 'GET'),
    want: allowedBy(CRB_READER),
  },
  {
    name: 'a non-resource URL of another path',
    rbac: clusterWide([{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]),
    request: nonResource('/version', 'GET'),
    want: DENIED,
  },
  {
    name: 'a non-resource verb is the lowercase method',
    rbac: clusterWide([{ verbs: ['get'], nonResourceURLs: ['*'] }]),
    request: nonResource('/metrics', 'POST'),
    want: DENIED,
  },
  {
    name: 'a non-resource rule does not allow resources',
    rbac: clusterWide([{ verbs: ['*'], nonResourceURLs: ['*'] }]),
    request: attrs('get', 'pods'),
    want: DENIED,
  },
  {
    name: 'a resource rule does not allow non-resource URLs',
    rbac: clusterWide([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]),
    request: nonResource('/version', 'GET'),
    want: DENIED,
  },
];

describe('authz: RBAC evaluation', () => {
  for (const c of cases)
    it(c.name, () => {
      expect(rbacAuthorize(c.rbac, c.user ?? READER, c.request)).to.deep.equal(c.want);
    });

  describe('the API authorizer (privileged groups before RBAC)', () => {
    const none = new FakeRbacObjects();
    it('system:masters may do everything, without a reason (as upstream)', () => {
      const a = apiAuthorizer({ rbac: none, openAccess: false });
      expect(a.authorize(ADMIN_USER, attrs('delete', 'nodes', { namespace: '' }))).to.deep.equal({
        allowed: true,
        reason: '',
      });
      expect(a.rulesFor(ADMIN_USER, 'default').resourceRules).to.deep.equal([
        { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      ]);
    });
    it('system:unauthenticated may do everything only when the API asks no credentials', () => {
      expect(
        apiAuthorizer({ rbac: none, openAccess: true }).authorize(UNAUTHENTICATED_USER, attrs('get', 'pods'))
          .allowed,
      ).to.equal(true);
      expect(
        apiAuthorizer({ rbac: none, openAccess: false }).authorize(
          UNAUTHENTICATED_USER,
          attrs('get', 'pods'),
        ),
      ).to.deep.equal(DENIED);
    });
    it('rulesFor: the resource and non-resource rules apart; a missing role makes it incomplete', () => {
      const rbac = new FakeRbacObjects({
        ...withRules([
          pods(['get'], { resourceNames: ['p'] }),
          { verbs: ['get'], nonResourceURLs: ['/healthz'] },
        ]).all,
        clusterRoleBindings: [aClusterRoleBinding('b', 'gone', [sa('default', 'reader')])],
      });
      expect(apiAuthorizer({ rbac, openAccess: false }).rulesFor(READER, 'default')).to.deep.equal({
        resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] }],
        nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
        incomplete: true,
        evaluationError: 'clusterrole.rbac.authorization.k8s.io "gone" not found',
      });
    });
  });

  describe('covering rules (escalation prevention)', () => {
    const owner: PolicyRule[] = [
      pods(['get', 'list']),
      { verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] },
      { verbs: ['get'], nonResourceURLs: ['/healthz*'] },
    ];
    const table: [string, PolicyRule[], PolicyRule[]][] = [
      ['held verbs are covered', [pods(['get'])], []],
      ['a verb not held is missing, alone', [pods(['get', 'delete'])], [pods(['delete'])]],
      ['a named rule is covered by an unnamed one', [pods(['get'], { resourceNames: ['p'] })], []],
      [
        '*/scale covers deployments/scale',
        [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }],
        [],
      ],
      ['a URL under a held prefix', [{ verbs: ['get'], nonResourceURLs: ['/healthz/ping'] }], []],
      ['* is not held', [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }], [pods(['*'])]],
    ];
    for (const [name, wanted, missing] of table)
      it(name, () => {
        expect(uncovered(owner, wanted)).to.deep.equal(missing);
      });
    it('compacted and printed as upstream: one line per resource, verbs merged', () => {
      const missing = uncovered([], [pods(['get', 'list']), { verbs: ['get'], nonResourceURLs: ['/x'] }]);
      expect(compactRules(missing).map(compactString)).to.deep.equal([
        '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}',
        '{NonResourceURLs:["/x"], Verbs:["get"]}',
      ]);
    });
  });
});

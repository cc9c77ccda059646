// Decoding RBAC bodies: upstream's defaults and each validation message (pkg/apis/rbac/validation).
import { expect } from 'chai';
import type { ClusterRoleBinding, Role, RoleBinding } from '../../../../agent/model/rbac';
import { decodeRbac, decodeRbacUpdate } from '../../../../agent/model/rbac-decode';

const G = 'rbac.authorization.k8s.io';
const fail = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('decodeRbac', () => {
  const invalid: [string, 'Role' | 'ClusterRole' | 'RoleBinding' | 'ClusterRoleBinding', object, string][] = [
    [
      'a name with a slash',
      'Role',
      { metadata: { name: 'a/b' } },
      `Role.${G} "a/b" is invalid: metadata.name: Invalid value: "a/b": may not contain '/'`,
    ],
    [
      'a name of ..',
      'ClusterRole',
      { metadata: { name: '..' } },
      `ClusterRole.${G} ".." is invalid: metadata.name: Invalid value: "..": may not be '..'`,
    ],
    [
      'no name',
      'Role',
      { metadata: {} },
      `Role.${G} "" is invalid: metadata.name: Required value: name or generateName is required`,
    ],
    [
      'a rule without resources',
      'Role',
      { metadata: { name: 'r' }, rules: [{ verbs: ['get'], apiGroups: [''] }] },
      `Role.${G} "r" is invalid: rules[0].resources: Required value: resource rules must supply at least one resource`,
    ],
    [
      'URLs with resources',
      'ClusterRole',
      {
        metadata: { name: 'c' },
        rules: [{ verbs: ['get'], nonResourceURLs: ['/a', '/b'], resources: ['pods'] }],
      },
      `ClusterRole.${G} "c" is invalid: rules[0].nonResourceURLs: Invalid value: []string{"/a", "/b"}: rules cannot apply to both regular resources and non-resource URLs`,
    ],
    [
      'an empty aggregationRule',
      'ClusterRole',
      { metadata: { name: 'c' }, aggregationRule: {} },
      `ClusterRole.${G} "c" is invalid: aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil`,
    ],
    [
      'a User with the core group',
      'RoleBinding',
      {
        metadata: { name: 'b' },
        roleRef: { kind: 'Role', name: 'r' },
        subjects: [{ kind: 'User', apiGroup: 'v1', name: 'u' }],
      },
      `RoleBinding.${G} "b" is invalid: subjects[0].apiGroup: Unsupported value: "v1": supported values: "${G}"`,
    ],
    [
      'a ServiceAccount with a bad name and no name',
      'RoleBinding',
      {
        metadata: { name: 'b' },
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'ServiceAccount', name: 'A_b' }, { kind: 'Group' }],
      },
      `RoleBinding.${G} "b" is invalid: [subjects[0].name: Invalid value: "A_b": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), subjects[1].name: Required value]`,
    ],
    [
      'a roleRef name with %',
      'ClusterRoleBinding',
      { metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'a%b' } },
      `ClusterRoleBinding.${G} "b" is invalid: roleRef.name: Invalid value: "a%b": may not contain '%'`,
    ],
  ];
  for (const [name, kind, body, message] of invalid)
    it(`refuses ${name}`, () => {
      const ns = kind.startsWith('Cluster') ? '' : 'default';
      expect(fail(() => decodeRbac(kind, body, ns))).to.equal(message);
    });

  it('defaults the roleRef apiGroup and the User and Group subjects apiGroup, not a ServiceAccount one', () => {
    const b = decodeRbac<ClusterRoleBinding>(
      'ClusterRoleBinding',
      {
        metadata: { name: 'b' },
        roleRef: { kind: 'ClusterRole', name: 'view' },
        subjects: [
          { kind: 'Group', name: 'g' },
          { kind: 'ServiceAccount', name: 's', namespace: 'default' },
        ],
      },
      '',
    );
    expect(b.roleRef.apiGroup).to.equal(G);
    expect(b.subjects).to.deep.equal([
      { kind: 'Group', name: 'g', apiGroup: G },
      { kind: 'ServiceAccount', name: 's', namespace: 'default' },
    ]);
  });

  it('accepts a null rules list and an update that keeps the roleRef', () => {
    expect(decodeRbac<Role>('Role', { metadata: { name: 'r' }, rules: null }, 'default').rules).to.equal(
      undefined,
    );
    const old = decodeRbac<RoleBinding>(
      'RoleBinding',
      { metadata: { name: 'b' }, roleRef: { kind: 'Role', name: 'r' } },
      'default',
    );
    const next = decodeRbacUpdate(old, {
      roleRef: { apiGroup: G, kind: 'Role', name: 'r' },
      subjects: [{ kind: 'User', name: 'u' }],
    });
    expect(next.subjects?.[0]?.apiGroup).to.equal(G);
    expect(fail(() => decodeRbacUpdate(old, { roleRef: { kind: 'ClusterRole', name: 'r' } }))).to.equal(
      `RoleBinding.${G} "b" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"${G}", Kind:"ClusterRole", Name:"r"}: cannot change roleRef`,
    );
  });
});

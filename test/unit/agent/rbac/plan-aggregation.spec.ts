// The clusterrole-aggregation planner: which aggregated ClusterRoles need new rules, and which.
import { expect } from 'chai';
import type { ClusterRole, PolicyRule } from '../../../../agent/model/rbac';
import { planAggregation } from '../../../../agent/rbac/plan-aggregation';

const rule = (resource: string, verbs = ['get']): PolicyRule => ({
  apiGroups: [''],
  resources: [resource],
  verbs,
});
const role = (
  name: string,
  o: { labels?: Record<string, string>; rules?: PolicyRule[]; selects?: Record<string, string>[] } = {},
): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: {
    name,
    namespace: '',
    uid: '',
    creationTimestamp: '',
    resourceVersion: '',
    ...(o.labels ? { labels: o.labels } : {}),
  },
  ...(o.rules ? { rules: o.rules } : {}),
  ...(o.selects
    ? { aggregationRule: { clusterRoleSelectors: o.selects.map((matchLabels) => ({ matchLabels })) } }
    : {}),
});
const A = { agg: 'a' };

describe('planAggregation (clusterrole-aggregation controller)', () => {
  const cases: { name: string; roles: ClusterRole[]; want: { name: string; rules: PolicyRule[] }[] }[] = [
    {
      name: 'no aggregated role: nothing',
      roles: [role('x', { labels: A, rules: [rule('pods')] })],
      want: [],
    },
    {
      name: 'gathers the matching roles by name, a rule once',
      roles: [
        role('agg', { selects: [A] }),
        role('b', { labels: A, rules: [rule('services'), rule('pods')] }),
        role('a', { labels: A, rules: [rule('pods')] }),
        role('other', { rules: [rule('secrets')] }),
      ],
      want: [{ name: 'agg', rules: [rule('pods'), rule('services')] }],
    },
    {
      name: 'each selector in turn',
      roles: [
        role('agg', { selects: [{ s: '2' }, { s: '1' }] }),
        role('a', { labels: { s: '1' }, rules: [rule('pods')] }),
        role('b', { labels: { s: '2' }, rules: [rule('services')] }),
      ],
      want: [{ name: 'agg', rules: [rule('services'), rule('pods')] }],
    },
    {
      name: 'already up to date: nothing',
      roles: [
        role('agg', { selects: [A], rules: [rule('pods')] }),
        role('a', { labels: A, rules: [rule('pods')] }),
      ],
      want: [],
    },
    {
      name: 'rules written by hand are replaced; none matching: emptied',
      roles: [role('agg', { selects: [A], rules: [rule('*', ['*'])] })],
      want: [{ name: 'agg', rules: [] }],
    },
    {
      name: 'never gathers itself, even when its own labels match',
      roles: [
        role('agg', { labels: A, selects: [A], rules: [] }),
        role('a', { labels: A, rules: [rule('pods')] }),
      ],
      want: [{ name: 'agg', rules: [rule('pods')] }],
    },
    {
      name: 'a rule equal but for an absent vs empty list counts once',
      roles: [
        role('agg', { selects: [A] }),
        role('a', { labels: A, rules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }] }),
        role('b', { labels: A, rules: [{ verbs: ['get'], nonResourceURLs: ['/x'], apiGroups: [] }] }),
      ],
      want: [{ name: 'agg', rules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }] }],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(planAggregation(c.roles)).to.deep.equal(c.want);
    });
});

// The real kubectl 1.35 (protobuf bodies) and 1.29 (JSON) with RBAC objects on the memory runtime:
// `kubectl create role|clusterrole|rolebinding|clusterrolebinding`, `get` (and -o wide), `describe role`
// and `describe rolebinding` (kubectl describes from GET), the bootstrap ClusterRoles, the immutable roleRef.
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl } from '../helpers/kubectl';

for (const minor of ['35', '29'])
  describe(`kubectl 1.${minor}: RBAC objects (memory runtime)`, function () {
    this.timeout(120_000);
    const agent = memoryAgentForKubectl();
    const { kubectl, ok } = kubectlOf(minor, () => agent);

    it('create role and rolebinding; get, get -o wide, describe', async () => {
      expect(
        await ok(['create', 'role', 'pod-reader', '--verb=get,list,watch', '--resource=pods,pods/log']),
      ).to.contain('role.rbac.authorization.k8s.io/pod-reader created');
      expect(
        await ok([
          'create',
          'rolebinding',
          'read-pods',
          '--role=pod-reader',
          '--user=jane',
          '--group=devs',
          '--serviceaccount=default:app',
        ]),
      ).to.contain('rolebinding.rbac.authorization.k8s.io/read-pods created');
      const roles = await ok(['get', 'roles']);
      expect(roles).to.match(/^NAME\s+CREATED AT$/m);
      expect(roles).to.match(/^pod-reader\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
      const bindings = await ok(['get', 'rolebinding', 'read-pods']);
      expect(bindings).to.match(/^NAME\s+ROLE\s+AGE$/m);
      expect(bindings).to.match(/^read-pods\s+Role\/pod-reader\s+\d+s$/m);
      const wide = await ok(['get', 'rolebindings', '-o', 'wide']);
      expect(wide).to.match(/^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS$/m);
      expect(wide).to.match(/^read-pods\s+Role\/pod-reader\s+\d+s\s+jane\s+devs\s+default\/app$/m);

      const role = await ok(['describe', 'role', 'pod-reader']);
      expect(role).to.match(/^Name:\s+pod-reader$/m);
      expect(role).to.match(/^\s+Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
      expect(role).to.match(/^\s+pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
      expect(role).to.match(/^\s+pods\/log\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
      const rb = await ok(['describe', 'rolebinding', 'read-pods']);
      expect(rb).to.match(/^Role:\n\s+Kind:\s+Role\n\s+Name:\s+pod-reader$/m);
      expect(rb).to.match(/^\s+User\s+jane\s*$/m);
      expect(rb).to.match(/^\s+Group\s+devs\s*$/m);
      expect(rb).to.match(/^\s+ServiceAccount\s+app\s+default$/m);
    });

    it('create clusterrole (rules, non-resource URLs, aggregation) and clusterrolebinding; get, describe', async () => {
      expect(
        await ok(['create', 'clusterrole', 'deploy-admin', '--verb=*', '--resource=deployments.apps']),
      ).to.contain('clusterrole.rbac.authorization.k8s.io/deploy-admin created');
      await ok(['create', 'clusterrole', 'health', '--verb=get', '--non-resource-url=/healthz']);
      await ok(['label', 'clusterrole', 'deploy-admin', 'example.com/aggregate-to-ops=true']);
      await ok(['create', 'clusterrole', 'ops', '--aggregation-rule=example.com/aggregate-to-ops=true']);
      expect(
        await ok([
          'create',
          'clusterrolebinding',
          'ops',
          '--clusterrole=ops',
          '--group=ops',
          '--serviceaccount=kube-system:bot',
        ]),
      ).to.contain('clusterrolebinding.rbac.authorization.k8s.io/ops created');
      const wide = await ok(['get', 'clusterrolebinding', 'ops', '-o', 'wide']);
      expect(wide).to.match(/^ops\s+ClusterRole\/ops\s+\d+s\s+ops\s+kube-system\/bot$/m);
      // the aggregation controller gave ops deploy-admin's rules
      let rules = '';
      for (let i = 0; i < 40 && !rules.includes('deployments'); i++) {
        rules = await ok(['get', 'clusterrole', 'ops', '-o', 'jsonpath={.rules}']);
        if (!rules.includes('deployments')) await new Promise((r) => setTimeout(r, 100));
      }
      expect(rules).to.contain('deployments');
      // names with a colon (upstream's bootstrap names) are path segments, not DNS names
      expect(await ok(['describe', 'clusterrolebinding', 'system:public-info-viewer'])).to.match(
        /^\s+Group\s+system:unauthenticated\s*$/m,
      );
      expect(await ok(['get', 'clusterrole', 'system:discovery'])).to.match(/^system:discovery\s+\d{4}-/m);
      const described = await ok(['describe', 'clusterrole', 'health']);
      expect(described).to.match(/^\s+\[\/healthz\]\s+\[\]\s+\[get\]$/m);
      const listed = await ok(['get', 'clusterroles']);
      for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'deploy-admin'])
        expect(listed).to.match(new RegExp(`^${name}\\s+\\d{4}-`, 'm'));
      expect(await ok(['get', 'clusterrolebinding', 'cluster-admin'])).to.match(
        /^cluster-admin\s+ClusterRole\/cluster-admin\s+\S+$/m,
      );
    });

    it('explain prints upstream descriptions', async () => {
      const flat = (out: string): string => out.replace(/\s+/g, ' ');
      expect(flat(await ok(['explain', 'rolebinding.roleRef']))).to.contain(
        'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.',
      );
      const aggregation = flat(await ok(['explain', 'clusterrole.aggregationRule']));
      expect(aggregation).to.contain(
        'AggregationRule is an optional field that describes how to build the Rules',
      );
      expect(aggregation).to.contain('clusterRoleSelectors <[]LabelSelector>');
    });

    it("refuses a change of a binding's roleRef", async () => {
      await ok(['create', 'rolebinding', 'fixed', '--clusterrole=view', '--user=u']);
      const r = await kubectl(['patch', 'rolebinding', 'fixed', '-p', '{"roleRef":{"name":"edit"}}']);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain(
        'The RoleBinding "fixed" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef',
      );
    });
  });

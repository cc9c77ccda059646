// rbac.authorization.k8s.io/v1 through the API on the in-process agent (memory runtime, the real wiring):
// Roles and RoleBindings in a namespace, ClusterRoles and ClusterRoleBindings cluster-wide; create, get,
// list (and paging), watch, update, the immutable roleRef, delete, namespace deletion, tables as kubectl
// shows them, discovery, the bootstrap policy and ClusterRole aggregation, and the RbacObjects reader.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import type { ClusterRole, Role, RoleBinding } from '../../../agent/model/rbac';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const NS = `${RBAC}/namespaces/default`;
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const role = (
  name = 'pod-reader',
  rules: object[] = [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'Role',
  metadata: { name },
  rules,
});
const binding = (
  name = 'read-pods',
  roleRef: object = { kind: 'Role', name: 'pod-reader' },
  subjects?: object[],
) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name },
  roleRef,
  subjects: subjects ?? [
    { kind: 'User', name: 'jane' },
    { kind: 'Group', name: 'devs' },
    { kind: 'ServiceAccount', name: 'app', namespace: 'default' },
  ],
});

describe('api: RBAC objects (memory runtime)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock) }).start();
  });
  afterEach(async () => h.stop());

  const req = (...args: Parameters<Harness['request']>) => h.request(...args);
  const message = (res: { json: <T>() => T }): string => res.json<{ message: string }>().message;

  it('creates, gets, lists, updates and deletes Roles and RoleBindings; subjects get their default apiGroup', async () => {
    expect((await req('POST', `${NS}/roles`, role())).statusCode).to.equal(201);
    const created = await req('POST', `${NS}/rolebindings`, binding());
    expect(created.statusCode).to.equal(201);
    const b = created.json<RoleBinding>();
    expect(b.roleRef).to.deep.equal({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'pod-reader',
    });
    expect(b.subjects?.map((s) => s.apiGroup)).to.deep.equal([
      'rbac.authorization.k8s.io',
      'rbac.authorization.k8s.io',
      undefined,
    ]);
    expect(b.metadata.namespace).to.equal('default');

    const got = (await req('GET', `${NS}/roles/pod-reader`)).json<Role>();
    expect(got.rules).to.deep.equal([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]);
    const list = (await req('GET', `${RBAC}/roles`)).json<{ kind: string; items: Role[] }>();
    expect(list.kind).to.equal('RoleList');
    expect(list.items.map((r) => r.metadata.name)).to.deep.equal(['pod-reader']);

    const updated = await req('PUT', `${NS}/roles/pod-reader`, {
      ...got,
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
    });
    expect(updated.statusCode).to.equal(200);
    expect(h.agent.rbac.objects.role('default', 'pod-reader')?.rules?.[0]?.verbs).to.deep.equal([
      'get',
      'list',
    ]);
    expect(h.agent.rbac.objects.roleBindings('default').map((x) => x.metadata.name)).to.deep.equal([
      'read-pods',
    ]);

    expect((await req('DELETE', `${NS}/rolebindings/read-pods`)).statusCode).to.equal(200);
    expect((await req('GET', `${NS}/rolebindings/read-pods`)).statusCode).to.equal(404);
    expect(message(await req('GET', `${NS}/roles/nope`))).to.equal(
      'roles.rbac.authorization.k8s.io "nope" not found',
    );
  });

  it("refuses a change of a binding's roleRef, as upstream", async () => {
    const b = (await req('POST', `${NS}/rolebindings`, binding())).json<RoleBinding>();
    const res = await req('PUT', `${NS}/rolebindings/read-pods`, {
      ...b,
      roleRef: { ...b.roleRef, name: 'other' },
    });
    expect(res.statusCode).to.equal(422);
    expect(message(res)).to.equal(
      'RoleBinding.rbac.authorization.k8s.io "read-pods" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef',
    );
    // the subjects may change
    const ok = await req('PUT', `${NS}/rolebindings/read-pods`, {
      ...b,
      subjects: [{ kind: 'User', name: 'joe' }],
    });
    expect(ok.statusCode).to.equal(200);
  });

  it('validates as upstream: verbs, resource rules, non-resource URLs, roleRef and subjects', async () => {
    const bad = await req(
      'POST',
      `${NS}/roles`,
      role('r', [{ resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }]),
    );
    expect(bad.statusCode).to.equal(422);
    expect(message(bad)).to.equal(
      'Role.rbac.authorization.k8s.io "r" is invalid: [rules[0].verbs: Required value: verbs must contain at least one value, ' +
        'rules[0].apiGroups: Required value: resource rules must supply at least one api group, ' +
        'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs]',
    );
    const badBinding = await req(
      'POST',
      `${NS}/rolebindings`,
      binding('b', { apiGroup: 'x', kind: 'Pod', name: 'r' }, [
        { kind: 'Robot', name: 'r2' },
        { kind: 'ServiceAccount', apiGroup: 'v1', name: 'x' },
      ]),
    );
    expect(message(badBinding)).to.equal(
      'RoleBinding.rbac.authorization.k8s.io "b" is invalid: [roleRef.apiGroup: Unsupported value: "x": supported values: "rbac.authorization.k8s.io", ' +
        'roleRef.kind: Unsupported value: "Pod": supported values: "Role", "ClusterRole", ' +
        'subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group", ' +
        'subjects[1].apiGroup: Unsupported value: "v1": supported values: ""]',
    );
    const crb = await req('POST', `${RBAC}/clusterrolebindings`, {
      metadata: { name: 'c' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' },
      subjects: [{ kind: 'ServiceAccount', name: 'app' }],
    });
    expect(message(crb)).to.equal(
      'ClusterRoleBinding.rbac.authorization.k8s.io "c" is invalid: [roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole", subjects[0].namespace: Required value]',
    );
    const noRef = await req('POST', `${NS}/rolebindings`, { metadata: { name: 'n' } });
    expect(message(noRef)).to.equal(
      'RoleBinding.rbac.authorization.k8s.io "n" is invalid: [roleRef.kind: Unsupported value: "": supported values: "Role", "ClusterRole", roleRef.name: Required value]',
    );
    // a ClusterRole may grant non-resource URLs
    const urls = await req('POST', `${RBAC}/clusterroles`, {
      metadata: { name: 'health' },
      rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
    });
    expect(urls.statusCode).to.equal(201);
  });

  it('prints tables as kubectl shows them: NAME CREATED AT; NAME ROLE AGE (wide: USERS GROUPS SERVICEACCOUNTS)', async () => {
    await req('POST', `${NS}/roles`, role());
    await req('POST', `${NS}/rolebindings`, binding());
    const roles = (await req('GET', `${NS}/roles`, undefined, TABLE)).json<{
      columnDefinitions: { name: string; type: string }[];
      rows: { cells: unknown[] }[];
    }>();
    expect(roles.columnDefinitions.map((c) => c.name)).to.deep.equal(['Name', 'Created At']);
    expect(roles.columnDefinitions[1]?.type).to.equal('date');
    expect(roles.rows[0]?.cells[0]).to.equal('pod-reader');
    expect(roles.rows[0]?.cells[1]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const bindings = (await req('GET', `${NS}/rolebindings`, undefined, TABLE)).json<{
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: unknown[] }[];
    }>();
    expect(bindings.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).to.deep.equal([
      'Name:0',
      'Role:0',
      'Age:0',
      'Users:1',
      'Groups:1',
      'ServiceAccounts:1',
    ]);
    const [name, ref, , users, groups, sas] = bindings.rows[0]?.cells ?? [];
    expect([name, ref, users, groups, sas]).to.deep.equal([
      'read-pods',
      'Role/pod-reader',
      'jane',
      'devs',
      'default/app',
    ]);
  });

  it('serves the bootstrap ClusterRoles and bindings; admin, edit and view aggregate the system:aggregate-to-* rules', async () => {
    const crs = (await req('GET', `${RBAC}/clusterroles`)).json<{ items: ClusterRole[] }>().items;
    const names = crs.map((c) => c.metadata.name);
    for (const n of [
      'cluster-admin',
      'admin',
      'edit',
      'view',
      'system:discovery',
      'system:basic-user',
      'system:public-info-viewer',
    ])
      expect(names).to.include(n);
    const view = crs.find((c) => c.metadata.name === 'view')!;
    expect(view.metadata.labels).to.include({ 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    expect(view.metadata.annotations).to.deep.equal({
      'rbac.authorization.kubernetes.io/autoupdate': 'true',
    });
    expect(view.rules?.some((r) => r.resources?.includes('pods') && r.verbs.includes('list'))).to.equal(true);
    const admin = crs.find((c) => c.metadata.name === 'admin')!;
    // admin gathers edit, which gathers view: all three layers
    expect(admin.rules?.some((r) => r.resources?.includes('roles'))).to.equal(true);
    expect(admin.rules?.some((r) => r.resources?.includes('secrets') && r.verbs.includes('create'))).to.equal(
      true,
    );
    expect(admin.rules?.some((r) => r.resources?.includes('pods') && r.verbs.includes('watch'))).to.equal(
      true,
    );
    const crbs = h.agent.rbac.objects.clusterRoleBindings();
    expect(crbs.find((b) => b.metadata.name === 'cluster-admin')?.subjects).to.deep.equal([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' },
    ]);
    expect(
      crbs.find((b) => b.metadata.name === 'system:public-info-viewer')?.subjects?.map((s) => s.name),
    ).to.deep.equal(['system:authenticated', 'system:unauthenticated']);
  });

  it('keeps an aggregated ClusterRole up to date as labelled ClusterRoles come, change and go', async () => {
    await req('POST', `${RBAC}/clusterroles`, {
      metadata: { name: 'monitoring' },
      aggregationRule: {
        clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }],
      },
    });
    const rules = () => h.agent.rbac.objects.clusterRole('monitoring')?.rules ?? [];
    const labels = { 'example.com/aggregate-to-monitoring': 'true' };
    await req('POST', `${RBAC}/clusterroles`, {
      metadata: { name: 'mon-pods', labels },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    });
    await h.waitFor('pods rule aggregated', () => rules().length === 1);
    const svc = {
      metadata: { name: 'mon-svc', labels },
      rules: [{ apiGroups: [''], resources: ['services'], verbs: ['list'] }],
    };
    await req('POST', `${RBAC}/clusterroles`, svc);
    await h.waitFor('services rule aggregated', () => rules().length === 2);
    expect(rules().map((r) => r.resources?.[0])).to.deep.equal(['pods', 'services']);
    // a direct write of the rules is stomped by the controller
    const mon = (await req('GET', `${RBAC}/clusterroles/monitoring`)).json<ClusterRole>();
    await req('PUT', `${RBAC}/clusterroles/monitoring`, {
      ...mon,
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    });
    await h.waitFor('rules restored', () => rules().length === 2 && rules()[0]?.resources?.[0] === 'pods');
    expect((await req('DELETE', `${RBAC}/clusterroles/mon-pods`)).statusCode).to.equal(200);
    await h.waitFor('pods rule gone', () => rules().length === 1);
  });

  it('watches ClusterRoleBindings; a namespace deletion removes its Roles and RoleBindings', async () => {
    const list = (await req('GET', `${RBAC}/clusterrolebindings`)).json<{
      metadata: { resourceVersion: string };
    }>();
    const pending = h.api.inject({
      url: `${RBAC}/clusterrolebindings?watch=true&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=1`,
    });
    await h.waitFor('watcher registered', () => h.agent.watches.watcherCount === 1);
    const crb = {
      metadata: { name: 'ops' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'Group', name: 'ops' }],
    };
    expect((await req('POST', `${RBAC}/clusterrolebindings`, crb)).statusCode).to.equal(201);
    const events = (await pending).body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).to.deep.equal(['ADDED ops']);

    expect((await req('POST', '/api/v1/namespaces', { metadata: { name: 'team' } })).statusCode).to.equal(
      201,
    );
    const TEAM = `${RBAC}/namespaces/team`;
    expect((await req('POST', `${TEAM}/roles`, role())).statusCode).to.equal(201);
    expect((await req('POST', `${TEAM}/rolebindings`, binding())).statusCode).to.equal(201);
    expect((await req('DELETE', '/api/v1/namespaces/team')).statusCode).to.equal(200);
    await h.waitFor(
      'roles and bindings gone',
      () =>
        h.agent.rbac.roles.list('team').length === 0 && h.agent.rbac.roleBindings.list('team').length === 0,
    );
    expect((await req('POST', `${RBAC}/namespaces/nowhere/roles`, role())).statusCode).to.equal(404);
  });

  it('keeps RBAC objects across a restart, and brings back a deleted bootstrap ClusterRole then', async () => {
    await req('POST', `${NS}/roles`, role());
    expect((await req('DELETE', `${RBAC}/clusterroles/view`)).statusCode).to.equal(200);
    expect((await req('DELETE', `${RBAC}/clusterrolebindings/system:discovery`)).statusCode).to.equal(200);
    const dataDir = mkdtempSync(join(tmpdir(), 'mk-rbac-'));
    try {
      cpSync(h.dataDir, dataDir, { recursive: true });
      const again = await new Harness({ runtime: new MemoryRuntime(systemClock), dataDir }).start();
      try {
        expect(again.agent.rbac.objects.role('default', 'pod-reader')?.rules).to.have.length(1);
        const view = again.agent.rbac.objects.clusterRole('view');
        expect(view?.rules?.some((r) => r.resources?.includes('pods'))).to.equal(true);
        expect(
          again.agent.rbac.clusterRoleBindings.get('', 'system:discovery')?.subjects?.[0]?.name,
        ).to.equal('system:authenticated');
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('lists the four kinds in discovery', async () => {
    const res = (await req('GET', RBAC)).json<{
      resources: { name: string; namespaced: boolean; kind: string }[];
    }>();
    expect(res.resources.map((r) => `${r.name}:${r.namespaced}:${r.kind}`)).to.have.members([
      'clusterrolebindings:false:ClusterRoleBinding',
      'clusterroles:false:ClusterRole',
      'rolebindings:true:RoleBinding',
      'roles:true:Role',
    ]);
  });
});

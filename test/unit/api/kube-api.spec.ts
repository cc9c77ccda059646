// The Kubernetes API surface kubectl and client libraries rely on, on the in-process agent (memory runtime).
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import type { Pod } from '../../../agent/model/pod';
import type { Service } from '../../../agent/model/service';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const TABLE =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
const NS = '/api/v1/namespaces/default';

const pod = (name: string, labels: Record<string, string> = {}, extra: object = {}): object => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...extra },
});

interface Table {
  kind: string;
  metadata: { resourceVersion: string };
  columnDefinitions: { name: string; priority: number }[];
  rows: { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[];
}

describe('api: the Kubernetes surface (memory runtime)', () => {
  let clock: ManualClock;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  const req = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    type = 'application/json',
  ) =>
    h.api.inject({
      method,
      url,
      ...(payload !== undefined
        ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
        : {}),
      headers: payload !== undefined ? { 'content-type': type } : {},
    });
  const create = async (body: object, url = `${NS}/pods`) => {
    const res = await req('POST', url, body);
    expect(res.statusCode, res.body).to.equal(201);
    return res.json<Pod>();
  };
  /** Runs the pod's sync rounds (the memory runtime acts at once). */
  const settle = async (name: string): Promise<void> => {
    for (let i = 0; i < 3; i++) await h.manager.syncNow(h.pod(name)!);
  };
  const names = (body: { items: { metadata: { name: string } }[] }): string[] =>
    body.items.map((i) => i.metadata.name);

  describe('discovery', () => {
    it('serves /version, /api, /apis (apps/v1, batch/v1) and the v1 resource list kubectl needs', async () => {
      expect((await req('GET', '/version')).json()).to.include({
        major: '1',
        minor: '34',
        gitVersion: 'v1.34.0',
      });
      expect((await req('GET', '/api')).json()).to.deep.include({ kind: 'APIVersions', versions: ['v1'] });
      const appsV1 = { groupVersion: 'apps/v1', version: 'v1' };
      const batchV1 = { groupVersion: 'batch/v1', version: 'v1' };
      const coordinationV1 = { groupVersion: 'coordination.k8s.io/v1', version: 'v1' };
      const discoveryV1 = { groupVersion: 'discovery.k8s.io/v1', version: 'v1' };
      const rbacV1 = { groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' };
      const networkingV1 = { groupVersion: 'networking.k8s.io/v1', version: 'v1' };
      const policyV1 = { groupVersion: 'policy/v1', version: 'v1' };
      expect((await req('GET', '/apis')).json()).to.deep.equal({
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [
          { name: 'apps', versions: [appsV1], preferredVersion: appsV1 },
          // HorizontalPodAutoscalers: v2 preferred, v1 converted
          {
            name: 'autoscaling',
            versions: [
              { groupVersion: 'autoscaling/v2', version: 'v2' },
              { groupVersion: 'autoscaling/v1', version: 'v1' },
            ],
            preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' },
          },
          { name: 'batch', versions: [batchV1], preferredVersion: batchV1 },
          { name: 'coordination.k8s.io', versions: [coordinationV1], preferredVersion: coordinationV1 },
          { name: 'discovery.k8s.io', versions: [discoveryV1], preferredVersion: discoveryV1 },
          // PodDisruptionBudgets (and the Eviction pods/eviction takes)
          { name: 'policy', versions: [policyV1], preferredVersion: policyV1 },
          // Roles, ClusterRoles and their bindings
          { name: 'rbac.authorization.k8s.io', versions: [rbacV1], preferredVersion: rbacV1 },
          // Ingresses and IngressClasses
          { name: 'networking.k8s.io', versions: [networkingV1], preferredVersion: networkingV1 },
          // PriorityClasses
          {
            name: 'scheduling.k8s.io',
            versions: [{ groupVersion: 'scheduling.k8s.io/v1', version: 'v1' }],
            preferredVersion: { groupVersion: 'scheduling.k8s.io/v1', version: 'v1' },
          },
          // metrics.k8s.io, for kubectl top
          {
            name: 'metrics.k8s.io',
            versions: [{ groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' }],
            preferredVersion: { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' },
          },
          // kubectl auth can-i and auth whoami; CRDs (none) for its check of an unknown kind
          ...['authorization.k8s.io', 'authentication.k8s.io', 'apiextensions.k8s.io'].map((name) => {
            const v1 = { groupVersion: `${name}/v1`, version: 'v1' };
            return { name, versions: [v1], preferredVersion: v1 };
          }),
        ],
      });
      const list = (await req('GET', '/api/v1')).json<{
        resources: {
          name: string;
          kind: string;
          namespaced: boolean;
          shortNames?: string[];
          verbs: string[];
          categories?: string[];
        }[];
      }>();
      const byName = Object.fromEntries(list.resources.map((r) => [r.name, r]));
      expect(byName['pods']).to.deep.include({
        kind: 'Pod',
        namespaced: true,
        shortNames: ['po'],
        categories: ['all'],
      });
      expect(byName['pods']?.verbs).to.include.members([
        'create',
        'get',
        'list',
        'watch',
        'patch',
        'update',
        'delete',
      ]);
      expect(byName['services']).to.deep.include({ kind: 'Service', shortNames: ['svc'] });
      expect(byName['namespaces']).to.deep.include({
        kind: 'Namespace',
        namespaced: false,
        shortNames: ['ns'],
      });
      expect(byName['events']).to.deep.include({ kind: 'Event', shortNames: ['ev'] });
      expect(byName['endpoints']).to.deep.include({ kind: 'Endpoints', shortNames: ['ep'] });
      expect(byName['pods/log']).to.deep.include({ kind: 'Pod', verbs: ['get'] });
    });

    it('serves the OpenAPI v3 index and a document with a fieldValidation parameter per kind (server-side validation)', async () => {
      const index = (await req('GET', '/openapi/v3')).json<{
        paths: Record<string, { serverRelativeURL: string }>;
      }>();
      const url = index.paths['api/v1']?.serverRelativeURL ?? '';
      expect(url).to.match(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
      const doc = (await req('GET', url)).json<{
        paths: Record<
          string,
          { patch: { 'x-kubernetes-group-version-kind': { kind: string }; parameters: { name: string }[] } }
        >;
      }>();
      const kinds = Object.values(doc.paths).map((p) => p.patch['x-kubernetes-group-version-kind'].kind);
      expect(kinds).to.include.members(['Pod', 'Service', 'Namespace']);
      for (const p of Object.values(doc.paths))
        expect(p.patch.parameters.map((x) => x.name)).to.include('fieldValidation');
    });

    it("serves the upstream schemas (Kubernetes 1.34) in the OpenAPI v3 document, each kind with its group-version-kind, with upstream's descriptions", async () => {
      const url = (await req('GET', '/openapi/v3')).json<{
        paths: Record<string, { serverRelativeURL: string }>;
      }>().paths['api/v1']?.serverRelativeURL;
      const doc = (await req('GET', url ?? '')).json<{
        components: {
          schemas: Record<
            string,
            { properties?: Record<string, { $ref?: string }> } & Record<string, unknown>
          >;
        };
      }>();
      const schemas = doc.components.schemas;
      for (const kind of ['Pod', 'Service', 'Endpoints', 'Event', 'Namespace'])
        expect(schemas[`io.k8s.api.core.v1.${kind}`]?.['x-kubernetes-group-version-kind']).to.deep.equal([
          { group: '', version: 'v1', kind },
        ]);
      // A referenced field with its own description: `allOf` around the reference, as upstream's v3 documents.
      expect(schemas['io.k8s.api.core.v1.Pod']?.properties?.['spec']).to.deep.equal({
        allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.PodSpec' }],
        description:
          'Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
      });
      expect(Object.keys(schemas['io.k8s.api.core.v1.Container']?.properties ?? {})).to.include.members([
        'name',
        'image',
        'restartPolicyRules', // new in 1.34
      ]);
      expect(schemas['io.k8s.api.core.v1.PodSpec']?.['description']).to.equal(
        'PodSpec is a description of a pod.',
      );
      expect(schemas['io.k8s.api.core.v1.PodSpec']?.properties?.['containers']).to.deep.equal({
        description:
          'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.',
        type: 'array',
        items: { $ref: '#/components/schemas/io.k8s.api.core.v1.Container' },
        'x-kubernetes-list-map-keys': ['name'],
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-patch-merge-key': 'name',
        'x-kubernetes-patch-strategy': 'merge',
      });
    });
  });

  describe('errors kubectl prints verbatim', () => {
    it('NotFound says `pods "x" not found` with the plural resource in details', async () => {
      const res = await req('GET', `${NS}/pods/x`);
      expect(res.statusCode).to.equal(404);
      expect(res.json()).to.deep.equal({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'pods "x" not found',
        reason: 'NotFound',
        details: { name: 'x', kind: 'pods' },
        code: 404,
      });
      expect((await req('GET', `${NS}/services/y`)).json()).to.include({ message: 'services "y" not found' });
    });

    it('accepts DELETE with a JSON content type and no body (client-node)', async () => {
      await create(pod('p'));
      const res = await h.api.inject({
        method: 'DELETE',
        url: `${NS}/pods/p`,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode, res.body).to.equal(200);
    });
  });

  describe('lists: Table, selectors, paging', () => {
    it('prints pods as a Table with kubectl get columns, wide ones at priority 1, metadata in each row', async () => {
      await create(pod('web', { app: 'myapp' }));
      await settle('web');
      clock.advance(65_000);
      const t = (await h.api.inject({ url: `${NS}/pods`, headers: { accept: TABLE } })).json<Table>();
      expect(t.kind).to.equal('Table');
      expect(t.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).to.deep.equal([
        'Name:0',
        'Ready:0',
        'Status:0',
        'Restarts:0',
        'Age:0',
        'IP:1',
        'Node:1',
        'Nominated Node:1',
        'Readiness Gates:1',
      ]);
      const cells = t.rows[0]?.cells ?? [];
      expect(cells.slice(0, 5)).to.deep.equal(['web', '1/1', 'Running', '0', '65s']);
      expect(cells[5]).to.match(/^10\.\d+\.\d+\.\d+$/);
      expect(cells.slice(6)).to.deep.equal(['test-node', '<none>', '<none>']);
      expect(t.rows[0]?.object).to.deep.include({ kind: 'PartialObjectMetadata' });
      // the list's version covers the pod (the Node's heartbeats move it on too)
      expect(Number(t.metadata.resourceVersion)).to.be.at.least(
        Number(h.pod('web')?.metadata.resourceVersion),
      );
      const full = (
        await h.api.inject({ url: `${NS}/pods?includeObject=Object`, headers: { accept: TABLE } })
      ).json<Table>();
      expect(full.rows[0]?.object.kind).to.equal('Pod');
      const one = (await h.api.inject({ url: `${NS}/pods/web`, headers: { accept: TABLE } })).json<Table>();
      expect(one.rows.map((r) => r.cells[0])).to.deep.equal(['web']);
    });

    it('prints Services, Endpoints, Namespaces and Events as kubectl does', async () => {
      await create(pod('web', { app: 'myapp' }));
      await settle('web');
      await create(
        {
          kind: 'Service',
          metadata: { name: 'svc' },
          spec: { selector: { app: 'myapp' }, ports: [{ port: 80, targetPort: 8080 }] },
        },
        `${NS}/services`,
      );
      await h.waitFor('endpoints', () => h.agent.endpoints.get('default', 'svc')?.subsets?.length);
      const get = async (url: string) =>
        (await h.api.inject({ url, headers: { accept: TABLE } })).json<Table>();
      const svc = await get(`${NS}/services`);
      expect(svc.rows[0]?.cells).to.deep.equal([
        'kubernetes',
        'ClusterIP',
        '10.96.0.1',
        '<none>',
        '443/TCP',
        '0s',
        '<none>',
      ]);
      expect(svc.rows[1]?.cells).to.deep.equal([
        'svc',
        'ClusterIP',
        '10.96.0.10',
        '<none>',
        '80/TCP',
        '0s',
        'app=myapp',
      ]);
      const ep = await get(`${NS}/endpoints`);
      expect(ep.rows[0]?.cells.slice(0, 2)).to.deep.equal(['kubernetes', '<none>']);
      expect(ep.rows[1]?.cells[1]).to.match(/^10\.\d+\.\d+\.\d+:8080$/);
      const ns = await get('/api/v1/namespaces');
      expect(ns.rows.map((r) => r.cells.slice(0, 2).join(' '))).to.include.members([
        'default Active',
        'kube-system Active',
        'kube-public Active',
      ]);
      const ev = await get(`${NS}/events`);
      expect(ev.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).to.deep.equal([
        'Last Seen',
        'Type',
        'Reason',
        'Object',
        'Message',
      ]);
      expect(ev.rows.map((r) => `${String(r.cells[2])} ${String(r.cells[3])}`)).to.include('Started pod/web');
      // Source (-o wide): the source, else the reporting controller and instance (the scheduler's has no source)
      expect(ev.rows.map((r) => `${String(r.cells[2])}: ${String(r.cells[5])}`)).to.include.members([
        'Scheduled: default-scheduler, default-scheduler-test-node',
        'Started: kubelet, test-node',
      ]);
    });

    it('serves a List again from its serialized body only while nothing changed', async () => {
      await create(pod('a'));
      await settle('a');
      const first = await req('GET', `${NS}/pods`);
      // Changed behind the store's back (no new resourceVersion): only a fresh serialization would show it.
      h.agent.pods.get('default', 'a')!.metadata.labels = { seen: 'fresh' };
      const again = await req('GET', `${NS}/pods`);
      expect(again.headers['content-type']).to.equal('application/json; charset=utf-8');
      expect(again.body).to.equal(first.body);
      await create(pod('b')); // any change moves the resourceVersion: the list is made anew
      const after = (await req('GET', `${NS}/pods`)).json<{ items: Pod[] }>();
      expect(after.items.map((p) => [p.metadata.name, p.metadata.labels?.seen])).to.deep.equal([
        ['a', 'fresh'],
        ['b', undefined],
      ]);
      expect(names((await req('GET', `${NS}/pods?fieldSelector=metadata.name%3Db`)).json())).to.deep.equal([
        'b',
      ]);
    });

    it('filters by label selector (=, !=, in, notin, exists, !key) and field selector', async () => {
      await create(pod('a', { app: 'myapp', tier: 'fe' }));
      await create(pod('b', { app: 'other' }));
      await create(pod('c'));
      for (const n of ['a', 'b', 'c']) await settle(n);
      const list = async (query: string) => names((await req('GET', `${NS}/pods?${query}`)).json());
      expect(await list('labelSelector=app%3Dmyapp')).to.deep.equal(['a']);
      expect(await list('labelSelector=app!%3Dmyapp')).to.deep.equal(['b', 'c']);
      expect(await list(`labelSelector=${encodeURIComponent('app in (myapp,other)')}`)).to.deep.equal([
        'a',
        'b',
      ]);
      expect(await list(`labelSelector=${encodeURIComponent('app notin (myapp)')}`)).to.deep.equal([
        'b',
        'c',
      ]);
      expect(await list('labelSelector=tier')).to.deep.equal(['a']);
      expect(await list('labelSelector=!app')).to.deep.equal(['c']);
      expect(await list('fieldSelector=metadata.name%3Db')).to.deep.equal(['b']);
      expect(await list('fieldSelector=status.phase%3DRunning,spec.nodeName%3Dtest-node')).to.deep.equal([
        'a',
        'b',
        'c',
      ]);
      expect(await list('fieldSelector=status.phase!%3DRunning')).to.deep.equal([]);
      expect(
        names((await req('GET', '/api/v1/pods?fieldSelector=metadata.namespace%3Ddefault')).json()),
      ).to.have.length(3);
      const bad = await req('GET', `${NS}/pods?fieldSelector=spec.foo%3Dx`);
      expect(bad.statusCode).to.equal(400);
      expect(bad.json()).to.include({ reason: 'BadRequest', message: 'field label not supported: spec.foo' });
    });

    it('pages with limit and continue', async () => {
      for (const n of ['p1', 'p2', 'p3']) await create(pod(n));
      const first = (await req('GET', `${NS}/pods?limit=2`)).json<{
        items: { metadata: { name: string } }[];
        metadata: { continue?: string; remainingItemCount?: number };
      }>();
      expect(names(first)).to.deep.equal(['p1', 'p2']);
      expect(first.metadata.remainingItemCount).to.equal(1);
      const next = (
        await req('GET', `${NS}/pods?limit=2&continue=${encodeURIComponent(first.metadata.continue ?? '')}`)
      ).json<{ items: { metadata: { name: string } }[]; metadata: { continue?: string } }>();
      expect(names(next)).to.deep.equal(['p3']);
      expect(next.metadata.continue).to.equal(undefined);
    });

    it('lists events with the involvedObject field selector kubectl describe sends', async () => {
      const p = await create(pod('web'));
      await create(pod('other'));
      const fs = encodeURIComponent(
        `involvedObject.name=web,involvedObject.namespace=default,involvedObject.uid=${p.metadata.uid}`,
      );
      const list = (await req('GET', `${NS}/events?fieldSelector=${fs}&limit=500`)).json<{
        kind: string;
        items: { involvedObject: { name: string }; reason: string }[];
      }>();
      expect(list.kind).to.equal('EventList');
      expect(list.items.map((e) => e.reason)).to.include('Started');
      expect(new Set(list.items.map((e) => e.involvedObject.name))).to.deep.equal(new Set(['web']));
    });
  });

  describe('writes: dryRun, fieldValidation, concurrency, generation', () => {
    it('dryRun=All validates and answers but stores nothing (create, patch, delete)', async () => {
      const res = await req('POST', `${NS}/pods?dryRun=All`, pod('dry'));
      expect(res.statusCode).to.equal(201);
      expect(res.json<Pod>().metadata.uid).to.be.a('string');
      expect(h.pod('dry')).to.equal(undefined);
      expect(
        (
          await req('POST', `${NS}/pods?dryRun=All`, {
            kind: 'Pod',
            metadata: { name: 'x' },
            spec: { containers: [] },
          })
        ).statusCode,
      ).to.equal(422);
      await create(pod('real'));
      const patched = await req(
        'PATCH',
        `${NS}/pods/real?dryRun=All`,
        { metadata: { labels: { x: 'y' } } },
        'application/merge-patch+json',
      );
      expect(patched.json<Pod>().metadata.labels).to.deep.equal({ x: 'y' });
      expect(h.pod('real')?.metadata.labels).to.deep.equal({});
      const del = await h.api.inject({
        method: 'DELETE',
        url: `${NS}/pods/real`,
        payload: { dryRun: ['All'] },
      });
      expect(del.json<Pod>().metadata.deletionTimestamp).to.be.a('string');
      expect(h.pod('real')?.metadata.deletionTimestamp).to.equal(undefined);
    });

    it('fieldValidation: Strict is a 400 naming each unknown field; Warn drops them with a Warning header; Ignore drops them', async () => {
      const body = pod('v', {}, { foo: 1 });
      (body as { spec: { containers: object[] } }).spec.containers[0] = {
        name: 'c',
        image: 'busybox',
        imagee: 'x',
      };
      const strict = await req('POST', `${NS}/pods?fieldValidation=Strict`, body);
      expect(strict.statusCode).to.equal(400);
      expect(strict.json()).to.include({
        reason: 'BadRequest',
        message:
          'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee", unknown field "spec.foo"',
      });
      const warn = await req('POST', `${NS}/pods?fieldValidation=Warn`, body);
      expect(warn.statusCode).to.equal(201);
      expect(warn.headers['warning']).to.deep.equal([
        '299 - "unknown field \\"spec.containers[0].imagee\\""',
        '299 - "unknown field \\"spec.foo\\""',
      ]);
      expect(warn.json<Pod>().spec).to.not.have.property('foo');
      const ignore = await req('POST', `${NS}/pods?fieldValidation=Ignore`, {
        ...body,
        metadata: { name: 'v2' },
      });
      expect(ignore.statusCode).to.equal(201);
      expect(ignore.headers['warning']).to.equal(undefined);
      // fields Kubernetes knows are kept, even where this agent ignores them
      const known = await req(
        'POST',
        `${NS}/pods?fieldValidation=Strict`,
        pod('k', {}, { nodeSelector: { a: 'b' }, tolerations: [] }),
      );
      expect(known.statusCode, known.body).to.equal(201);
      expect(known.json<Pod>().spec['nodeSelector']).to.deep.equal({ a: 'b' });
      const patch = await req(
        'PATCH',
        `${NS}/pods/k?fieldValidation=Strict`,
        { spec: { bar: 1 } },
        'application/strategic-merge-patch+json',
      );
      expect(patch.json()).to.include({ code: 400 });
    });

    it('409 on a stale resourceVersion in PUT, for pods and services', async () => {
      const p = await create(pod('p'));
      const stale = { ...p, metadata: { ...p.metadata, resourceVersion: '1' } };
      const res = await req('PUT', `${NS}/pods/p`, stale);
      expect(res.statusCode).to.equal(409);
      expect(res.json()).to.include({ reason: 'Conflict' });
      expect(res.json<{ message: string }>().message).to.match(
        /^Operation cannot be fulfilled on pods "p": the object has been modified/,
      );
      const created = await req('POST', `${NS}/services`, {
        metadata: { name: 's' },
        spec: { ports: [{ port: 80 }] },
      });
      const svc = created.json<Service>();
      const ok = await req('PUT', `${NS}/services/s`, {
        ...svc,
        metadata: { ...svc.metadata, labels: { a: 'b' } },
      });
      expect(ok.statusCode, ok.body).to.equal(200);
      expect(ok.json<Service>().spec.clusterIP).to.equal(svc.spec.clusterIP);
      const conflict = await req('PUT', `${NS}/services/s`, svc);
      expect(conflict.statusCode).to.equal(409);
      const moved = await req('PUT', `${NS}/services/s`, {
        ...svc,
        metadata: { name: 's' },
        spec: { ...svc.spec, clusterIP: '10.96.0.99' },
      });
      expect(moved.statusCode).to.equal(422);
    });

    it('bumps resourceVersion on every change and generation only on spec changes', async () => {
      const p = await create(pod('g'));
      const labelled = (
        await req(
          'PATCH',
          `${NS}/pods/g`,
          { metadata: { labels: { a: 'b' } } },
          'application/merge-patch+json',
        )
      ).json<Pod>();
      expect(Number(labelled.metadata.resourceVersion)).to.be.greaterThan(Number(p.metadata.resourceVersion));
      expect(labelled.metadata.generation).to.equal(1);
      const image = (
        await req(
          'PATCH',
          `${NS}/pods/g`,
          { spec: { containers: [{ name: 'c', image: 'busybox:latest' }] } },
          'application/strategic-merge-patch+json',
        )
      ).json<Pod>();
      expect(image.metadata.generation).to.equal(2);
      expect(image.spec.containers).to.have.length(1);
    });

    it('gives metadata.generation only to the kinds whose upstream registry tracks it (not ConfigMaps, Services...)', async () => {
      const cm = await req('POST', `${NS}/configmaps`, {
        metadata: { name: 'g', generation: 7 },
        data: { a: '1' },
      });
      expect(cm.statusCode, cm.body).to.equal(201);
      expect(cm.json<{ metadata: object }>().metadata).not.to.have.property('generation');
      const changed = await req(
        'PATCH',
        `${NS}/configmaps/g`,
        { data: { a: '2' } },
        'application/merge-patch+json',
      );
      expect(changed.json<{ metadata: object }>().metadata).not.to.have.property('generation');
      const svc = await req('POST', `${NS}/services`, {
        metadata: { name: 'g' },
        spec: { ports: [{ port: 80 }] },
      });
      expect(svc.json<{ metadata: object }>().metadata).not.to.have.property('generation');
      expect((await create(pod('gen'))).metadata.generation).to.equal(1);
    });
  });

  describe('apply', () => {
    it('client-side apply: the strategic merge patch kubectl sends merges containers by name', async () => {
      await create(
        pod(
          'web',
          {},
          {
            initContainers: [
              { name: 'i1', image: 'busybox' },
              { name: 'i2', image: 'busybox' },
            ],
          },
        ),
      );
      const patch = {
        metadata: {
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}\n' },
          labels: { tier: 'fe' },
        },
        spec: {
          '$setElementOrder/initContainers': [{ name: 'i1' }, { name: 'i2' }],
          initContainers: [{ name: 'i2', image: 'docker.io/busybox' }],
        },
      };
      const res = await req(
        'PATCH',
        `${NS}/pods/web?fieldManager=kubectl-client-side-apply&fieldValidation=Strict`,
        patch,
        'application/strategic-merge-patch+json',
      );
      expect(res.statusCode, res.body).to.equal(200);
      const p = res.json<Pod>();
      expect(p.spec.initContainers?.map((c) => `${c.name}=${c.image}`)).to.deep.equal([
        'i1=busybox',
        'i2=docker.io/busybox',
      ]);
      expect(p.metadata.labels).to.deep.equal({ tier: 'fe' });
    });

    it('server-side apply creates (201), then merges (200), and a metadata-only apply keeps the spec', async () => {
      const body = JSON.stringify(pod('ssa', { app: 'x' }));
      const url = `${NS}/pods/ssa?fieldManager=kubectl&fieldValidation=Strict&force=false`;
      const first = await req('PATCH', url, body, 'application/apply-patch+yaml');
      expect(first.statusCode, first.body).to.equal(201);
      // Another manager: the same one would remove the spec it no longer applies (as upstream).
      const again = await req(
        'PATCH',
        url.replace('fieldManager=kubectl', 'fieldManager=labeler').replace('force=false', 'force=true'),
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ssa\n  labels: {app: y}\n',
        'application/apply-patch+yaml',
      );
      expect(again.statusCode, again.body).to.equal(200);
      expect(again.json<Pod>().metadata.labels).to.deep.equal({ app: 'y' });
      expect(again.json<Pod>().spec.containers.map((c) => c.name)).to.deep.equal(['c']);
      const wrongName = await req('PATCH', url, JSON.stringify(pod('other')), 'application/apply-patch+yaml');
      expect(wrongName.statusCode).to.equal(400);
    });

    it('merges Service ports by port', async () => {
      await create(
        {
          kind: 'Service',
          metadata: { name: 's' },
          spec: {
            ports: [
              { name: 'a', port: 80 },
              { name: 'b', port: 81 },
            ],
          },
        },
        `${NS}/services`,
      );
      const res = await req(
        'PATCH',
        `${NS}/services/s`,
        { spec: { ports: [{ port: 81, targetPort: 9000 }] } },
        'application/strategic-merge-patch+json',
      );
      expect(res.statusCode, res.body).to.equal(200);
      expect(res.json<Service>().spec.ports.map((p) => `${p.port}->${p.targetPort}`)).to.deep.equal([
        '80->80',
        '81->9000',
      ]);
    });
  });

  describe('namespaces', () => {
    it('has default, kube-system and kube-public; objects need an existing namespace', async () => {
      const res = await req('POST', '/api/v1/namespaces/nope/pods', pod('p'));
      expect(res.statusCode).to.equal(404);
      expect(res.json()).to.include({ reason: 'NotFound', message: 'namespaces "nope" not found' });
      expect(
        (
          await req('POST', '/api/v1/namespaces/nope/services', {
            metadata: { name: 's' },
            spec: { ports: [{ port: 80 }] },
          })
        ).statusCode,
      ).to.equal(404);
      expect((await req('POST', '/api/v1/namespaces/kube-system/pods', pod('p'))).statusCode).to.equal(201);
    });

    it('creates a namespace (JSON, or protobuf as kubectl create namespace sends), then deletes it with its pods and services', async () => {
      // the bytes kubectl v1.34 sends for `kubectl create namespace foo`
      const proto = Buffer.from(
        '6b3873000a0f0a02763112094e616d657370616365121b0a130a03666f6f12001a0022002a0032003800420012001a020a001a002200',
        'hex',
      );
      const made = await h.api.inject({
        method: 'POST',
        url: '/api/v1/namespaces',
        payload: proto,
        headers: { 'content-type': 'application/vnd.kubernetes.protobuf' },
      });
      expect(made.statusCode, made.body).to.equal(201);
      expect(made.json<{ metadata: { name: string; labels: object } }>().metadata).to.deep.include({
        name: 'foo',
        labels: { 'kubernetes.io/metadata.name': 'foo' },
      });
      expect((await req('POST', '/api/v1/namespaces', { metadata: { name: 'foo' } })).statusCode).to.equal(
        409,
      );
      await create(pod('p'), '/api/v1/namespaces/foo/pods');
      await create(
        { kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } },
        '/api/v1/namespaces/foo/services',
      );
      const del = await req('DELETE', '/api/v1/namespaces/foo');
      expect(del.json<{ status: { phase: string } }>().status.phase).to.equal('Terminating');
      expect(h.services.get('foo', 's')).to.equal(undefined);
      await h.waitFor('pod gone', () => !h.pod('p', 'foo'));
      await h.waitFor('namespace gone', () => !h.agent.namespaces.get('', 'foo'));
      expect((await req('GET', '/api/v1/namespaces/foo')).json()).to.include({
        message: 'namespaces "foo" not found',
      });
      // Its events went with it (the pod's Scheduled and Killing ones), as upstream's namespace controller does.
      expect(h.events.list({ namespace: 'foo' })).to.deep.equal([]);
      expect((await req('GET', '/api/v1/namespaces/foo/events')).json<{ items: [] }>().items).to.deep.equal(
        [],
      );
    });

    it('refuses new objects in a terminating namespace with 403', async () => {
      const ns = h.agent.namespaces.create({
        ...h.agent.namespaces.mustGet('', 'default'),
        metadata: { name: 'bar', namespace: '', uid: '', creationTimestamp: '', resourceVersion: '' },
        status: { phase: 'Terminating' },
      });
      expect(ns.status.phase).to.equal('Terminating');
      const res = await req('POST', '/api/v1/namespaces/bar/pods', pod('late'));
      expect(res.statusCode).to.equal(403);
      expect(res.json()).to.include({
        reason: 'Forbidden',
        message:
          'pods "late" is forbidden: unable to create new content in namespace bar because it is being terminated',
      });
    });

    it('will not delete default, kube-system or kube-public', async () => {
      const res = await req('DELETE', '/api/v1/namespaces/default');
      expect(res.statusCode).to.equal(403);
      expect(res.json()).to.include({
        message: 'namespaces "default" is forbidden: this namespace may not be deleted',
      });
    });
  });
});

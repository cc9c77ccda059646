// EndpointSlices (discovery.k8s.io/v1) on the memory runtime: kept beside a Service's Endpoints, listed by
// the label `kubectl describe svc` selects with, watched, printed as `kubectl get endpointslices` prints
// them, in discovery and OpenAPI, gone with their Service, read-only.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import type { EndpointSlice } from '../../../agent/model/endpoint-slice';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const SLICES = '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

describe('api: endpointslices (memory runtime)', () => {
  let clock: ManualClock;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  const createService = async (name: string, selector?: Record<string, string>): Promise<void> => {
    const res = await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/services',
      payload: {
        kind: 'Service',
        metadata: { name },
        spec: { ...(selector ? { selector } : {}), ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    expect(res.statusCode, res.body).to.equal(201);
  };
  const slicesOf = async (service: string): Promise<EndpointSlice[]> =>
    (
      await h.api.inject({
        url: `${SLICES}?labelSelector=${encodeURIComponent(`kubernetes.io/service-name=${service}`)}`,
      })
    ).json<{ items: EndpointSlice[] }>().items;
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
  const runWebPod = async (): Promise<string> => {
    await h.createPod({
      metadata: { name: 'a', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    await h.waitFor('pod ready', () =>
      h.pod('a')?.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    await settle();
    return h.pod('a')?.status.podIP ?? '';
  };

  it("lists a Service's slice by its service-name label, with the ready pod as an endpoint", async () => {
    await createService('web', { app: 'web' });
    const ip = await runWebPod();
    const [slice, ...more] = await slicesOf('web');
    expect(more).to.deep.equal([]);
    expect(slice?.apiVersion).to.equal('discovery.k8s.io/v1');
    expect(slice?.kind).to.equal('EndpointSlice');
    expect(slice?.metadata.name).to.match(/^web-[a-z0-9]{5}$/);
    expect(slice?.metadata.generateName).to.equal('web-');
    expect(slice?.metadata.labels).to.deep.equal({
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    const svc = h.services.get('default', 'web');
    expect(slice?.metadata['ownerReferences']).to.deep.equal([
      {
        apiVersion: 'v1',
        kind: 'Service',
        name: 'web',
        uid: svc?.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(slice?.addressType).to.equal('IPv4');
    expect(slice?.ports).to.deep.equal([{ name: '', port: 8080, protocol: 'TCP' }]);
    expect(slice?.endpoints).to.deep.equal([
      {
        addresses: [ip],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'test-node',
        targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: h.pod('a')?.metadata.uid },
      },
    ]);
    const one = await h.api.inject({ url: `${SLICES}/${slice?.metadata.name}` });
    expect(one.json<EndpointSlice>().metadata.uid).to.equal(slice?.metadata.uid);
  });

  it('prints NAME, ADDRESSTYPE, PORTS, ENDPOINTS, AGE as kubectl get endpointslices does', async () => {
    await createService('web', { app: 'web' });
    await createService('idle', { app: 'none' });
    const ip = await runWebPod();
    const t = (await h.api.inject({ url: SLICES, headers: { accept: TABLE } })).json<{
      columnDefinitions: { name: string }[];
      rows: { cells: string[] }[];
    }>();
    expect(t.columnDefinitions.map((c) => c.name)).to.deep.equal([
      'Name',
      'AddressType',
      'Ports',
      'Endpoints',
      'Age',
    ]);
    const cells = t.rows.map((r) => r.cells.slice(1, 4)).sort();
    expect(cells).to.deep.equal([
      ['IPv4', '8080', ip],
      ['IPv4', '<unset>', '<unset>'],
      ['IPv4', '<unset>', '<unset>'], // `kubernetes`: the memory runtime has no API for pods to point at
    ]);
  });

  it('streams the slices to a watch as pods come and go, and deletes them with their Service', async () => {
    const list = (await h.api.inject({ url: SLICES })).json<{ metadata: { resourceVersion: string } }>();
    await createService('web', { app: 'web' });
    await runWebPod();
    const name = (await slicesOf('web'))[0]?.metadata.name;
    expect(
      (await h.api.inject({ method: 'DELETE', url: '/api/v1/namespaces/default/services/web' })).statusCode,
    ).to.equal(200);
    await settle();
    expect(await slicesOf('web')).to.deep.equal([]);
    expect((await h.api.inject({ url: `${SLICES}/${name}` })).statusCode).to.equal(404);
    const pending = h.api.inject({
      url: `${SLICES}?watch=true&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=1`,
    });
    await h.waitFor('watcher registered', () => h.agent.watches.watcherCount === 1);
    clock.advance(2_000);
    const events = (await pending).body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: EndpointSlice });
    expect(events[0]?.type).to.equal('ADDED'); // the placeholder, before the pod
    expect(events.at(-1)?.type).to.equal('DELETED');
    expect(events.map((e) => e.object.metadata.name)).to.include(name);
  });

  it('makes none for a Service without a selector, and answers writes 405 (read-only)', async () => {
    await createService('external');
    await settle();
    expect(await slicesOf('external')).to.deep.equal([]);
    const res = await h.api.inject({
      method: 'POST',
      url: SLICES,
      payload: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'x' } },
    });
    expect(res.statusCode).to.equal(405);
    expect(res.json()).to.include({ kind: 'Status', reason: 'MethodNotAllowed' });
  });

  it('is in legacy and aggregated discovery and in its OpenAPI v3 document', async () => {
    const groups = (await h.api.inject({ url: '/apis' })).json<{
      groups: { name: string; preferredVersion: { groupVersion: string } }[];
    }>().groups;
    expect(groups.find((g) => g.name === 'discovery.k8s.io')?.preferredVersion.groupVersion).to.equal(
      'discovery.k8s.io/v1',
    );
    const resources = (await h.api.inject({ url: '/apis/discovery.k8s.io/v1' })).json<{
      resources: { name: string; kind: string; verbs: string[] }[];
    }>().resources;
    expect(resources).to.deep.include.members([
      { ...resources[0], name: 'endpointslices', kind: 'EndpointSlice', verbs: ['get', 'list', 'watch'] },
    ]);
    const aggregated = (
      await h.api.inject({ url: '/apis', headers: { accept: `${AGGREGATED},application/json` } })
    ).json<{ items: { metadata: { name: string }; versions: { resources: { resource: string }[] }[] }[] }>();
    const discovery = aggregated.items.find((g) => g.metadata.name === 'discovery.k8s.io');
    expect(discovery?.versions[0]?.resources.map((r) => r.resource)).to.deep.equal(['endpointslices']);
    const index = (await h.api.inject({ url: '/openapi/v3' })).json<{
      paths: Record<string, { serverRelativeURL: string }>;
    }>();
    const doc = (
      await h.api.inject({ url: index.paths['apis/discovery.k8s.io/v1']?.serverRelativeURL ?? '' })
    ).json<{ components: { schemas: Record<string, Record<string, unknown>> } }>();
    const schema = doc.components.schemas['io.k8s.api.discovery.v1.EndpointSlice'];
    expect(schema?.['x-kubernetes-group-version-kind']).to.deep.equal([
      { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' },
    ]);
    expect(doc.components.schemas['io.k8s.api.discovery.v1.EndpointPort']).to.have.property('properties');
  });
});

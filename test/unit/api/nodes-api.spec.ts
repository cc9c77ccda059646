// The Node: registered at start, never created or deleted through the API, kubectl's columns, a heartbeat, and the pods bound to it.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import type { Node } from '../../../agent/model/node';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

describe('api: nodes (memory runtime)', () => {
  let clock: ManualClock;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  const node = async (): Promise<Node> =>
    (await h.api.inject({ url: '/api/v1/nodes/test-node' })).json<Node>();

  it('registers this machine with capacity, allocatable, nodeInfo and the four conditions', async () => {
    const n = await node();
    expect(n.kind).to.equal('Node');
    expect(n.status.capacity.pods).to.equal('110');
    expect(n.status.capacity.memory).to.match(/^\d+Ki$/);
    expect(Number(n.status.capacity.cpu)).to.be.greaterThan(0);
    expect(n.status.allocatable['ephemeral-storage']).to.match(/^\d+$/);
    expect(n.status.nodeInfo).to.include({ kubeletVersion: 'v1.34.0', operatingSystem: 'linux' });
    expect(n.status.nodeInfo.containerRuntimeVersion).to.match(/^docker:\/\//);
    expect(n.status.conditions.map((c) => `${c.type}=${c.status}`)).to.include('Ready=True');
    expect(n.status.addresses).to.deep.include({ type: 'Hostname', address: 'test-node' });
    expect(n.metadata.labels).to.include({
      'kubernetes.io/hostname': 'test-node',
      'kubernetes.io/os': 'linux',
    });
  });

  it('prints the kubectl get nodes columns, wide ones at priority 1', async () => {
    const t = (await h.api.inject({ url: '/api/v1/nodes', headers: { accept: TABLE } })).json<{
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: string[] }[];
    }>();
    expect(t.columnDefinitions.map((c) => `${c.name}:${c.priority}`)).to.deep.equal([
      'Name:0',
      'Status:0',
      'Roles:0',
      'Age:0',
      'Version:0',
      'Internal-IP:1',
      'External-IP:1',
      'OS-Image:1',
      'Kernel-Version:1',
      'Container-Runtime:1',
    ]);
    expect(t.rows[0]?.cells.slice(0, 5)).to.deep.equal(['test-node', 'Ready', '<none>', '0s', 'v1.34.0']);
  });

  it('is never deleted through the API', async () => {
    const r = await h.api.inject({ method: 'DELETE', url: '/api/v1/nodes/test-node' });
    expect(r.statusCode).to.equal(405); // as for events: no write verb is served (MethodNotAllowed, as upstream words it)
    expect((await node()).metadata.name).to.equal('test-node');
  });

  it('beats every 10 s: lastHeartbeatTime moves, lastTransitionTime stays', async () => {
    const before = (await node()).status.conditions.find((c) => c.type === 'Ready');
    clock.advance(10_000);
    await new Promise((r) => setImmediate(r));
    const after = (await node()).status.conditions.find((c) => c.type === 'Ready');
    expect(Date.parse(after?.lastHeartbeatTime ?? '') - Date.parse(before?.lastHeartbeatTime ?? '')).to.equal(
      10_000,
    );
    expect(after?.lastTransitionTime).to.equal(before?.lastTransitionTime);
  });

  it('renews its Lease in kube-node-lease with each beat, owned by the Node', async () => {
    const url = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/test-node';
    type Lease = {
      metadata: { ownerReferences: { kind: string; name: string; uid: string }[] };
      spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
    };
    const before = (await h.api.inject({ url })).json<Lease>();
    expect(before.spec).to.include({ holderIdentity: 'test-node', leaseDurationSeconds: 40 });
    expect(before.spec.renewTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(before.metadata.ownerReferences).to.deep.equal([
      { apiVersion: 'v1', kind: 'Node', name: 'test-node', uid: (await node()).metadata.uid },
    ]);
    clock.advance(10_000);
    await new Promise((r) => setImmediate(r));
    const after = (await h.api.inject({ url })).json<Lease>();
    expect(Date.parse(after.spec.renewTime) - Date.parse(before.spec.renewTime)).to.equal(10_000);
    // read-only, as Nodes: the generic verbs register no write route
    expect((await h.api.inject({ method: 'PUT', url, payload: after })).statusCode).to.equal(405);
  });

  it("answers describe node's pod query: the node's non-terminated pods", async () => {
    await h.createPod({ metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const q = encodeURIComponent('spec.nodeName=test-node,status.phase!=Failed,status.phase!=Succeeded');
    const list = (await h.api.inject({ url: `/api/v1/pods?fieldSelector=${q}` })).json<{
      items: unknown[];
    }>();
    expect(list.items).to.have.length(1);
    const other = encodeURIComponent('spec.nodeName=elsewhere');
    expect(
      (await h.api.inject({ url: `/api/v1/pods?fieldSelector=${other}` })).json<{ items: unknown[] }>().items,
    ).to.be.empty;
  });
});

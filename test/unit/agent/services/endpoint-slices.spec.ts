// The EndpointSlices of a Service (agent/services/endpoint-slices.ts): one baseline Service and pod, one change
// per case, the whole expected result.
import { expect } from 'chai';
import type { EndpointSlice, SliceEndpoint } from '../../../../agent/model/endpoint-slice';
import type { Pod } from '../../../../agent/model/pod';
import type { Service } from '../../../../agent/model/service';
import { type SliceContent, planSlices, sliceContents } from '../../../../agent/services/endpoint-slices';
import { aContainer, aPod } from '../../../helpers/builders';

const NODE = 'test-node';

function aService(spec: Partial<Service['spec']> = {}, labels?: Record<string, string>): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'svc-uid',
      creationTimestamp: '',
      resourceVersion: '1',
      ...(labels ? { labels } : {}),
    },
    spec: {
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }],
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ...spec,
    },
    status: { loadBalancer: {} },
  };
}

/** A Running pod of the Service at 10.244.0.<n>, ready unless told, serving `http` on `port`. */
function webPod(
  n: number,
  o: { ready?: boolean; deleting?: boolean; port?: number; phase?: string } = {},
): Pod {
  const pod = aPod({
    apps: [aContainer('c', { ports: [{ name: 'http', containerPort: o.port ?? 8080 }] })],
    ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  });
  pod.metadata = { ...pod.metadata, name: `web-${n}`, uid: `uid-${n}`, labels: { app: 'web' } };
  pod.status = {
    phase: (o.phase ?? 'Running') as Pod['status']['phase'],
    podIP: `10.244.0.${n}`,
    conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
  } as Pod['status'];
  return pod;
}

const endpoint = (n: number, conditions: Partial<SliceEndpoint['conditions']> = {}): SliceEndpoint => ({
  addresses: [`10.244.0.${n}`],
  conditions: { ready: true, serving: true, terminating: false, ...conditions },
  nodeName: NODE,
  targetRef: { kind: 'Pod', namespace: 'default', name: `web-${n}`, uid: `uid-${n}` },
});
const HTTP = [{ name: 'http', port: 8080, protocol: 'TCP' as const }];

describe('agent/services/endpoint-slices: sliceContents', () => {
  const cases: { name: string; svc?: Service; pods: Pod[]; want: SliceContent[] }[] = [
    {
      name: 'lists the ready pods the selector matches, by address, with the resolved port',
      pods: [webPod(10), webPod(9)],
      want: [{ ports: HTTP, endpoints: [endpoint(9), endpoint(10)] }],
    },
    {
      name: 'keeps a not-ready pod, not ready and not serving',
      pods: [webPod(9, { ready: false })],
      want: [{ ports: HTTP, endpoints: [endpoint(9, { ready: false, serving: false })] }],
    },
    {
      name: 'keeps a terminating pod, terminating and not ready though still serving',
      pods: [webPod(9, { deleting: true })],
      want: [{ ports: HTTP, endpoints: [endpoint(9, { ready: false, terminating: true })] }],
    },
    {
      name: 'marks not-ready and terminating pods ready when the Service publishes not-ready addresses',
      svc: aService({ publishNotReadyAddresses: true }),
      pods: [webPod(9, { ready: false }), webPod(10, { deleting: true })],
      want: [
        {
          ports: HTTP,
          endpoints: [endpoint(9, { serving: false }), endpoint(10, { terminating: true })],
        },
      ],
    },
    {
      name: 'leaves out pods that are done, have no address or are not selected',
      pods: [
        webPod(9, { phase: 'Succeeded' }),
        { ...webPod(10), status: { phase: 'Pending' } },
        { ...webPod(11), metadata: { ...webPod(11).metadata, labels: { app: 'db' } } },
        { ...webPod(12), metadata: { ...webPod(12).metadata, namespace: 'other' } },
      ],
      want: [{ ports: [], endpoints: [] }],
    },
    {
      name: 'keeps one empty placeholder for a selector that matches no pod',
      pods: [],
      want: [{ ports: [], endpoints: [] }],
    },
    {
      name: 'makes none for a Service without a selector',
      svc: aService({ selector: undefined }),
      pods: [webPod(9)],
      want: [],
    },
    {
      name: 'names an unnamed port "" and carries appProtocol',
      svc: aService({ ports: [{ protocol: 'TCP', port: 80, targetPort: 8080, appProtocol: 'http' }] }),
      pods: [webPod(9)],
      want: [
        { ports: [{ name: '', port: 8080, protocol: 'TCP', appProtocol: 'http' }], endpoints: [endpoint(9)] },
      ],
    },
    {
      name: 'puts pods that resolve the named port differently in different slices',
      pods: [webPod(9), webPod(10, { port: 9090 })],
      want: [
        { ports: HTTP, endpoints: [endpoint(9)] },
        { ports: [{ name: 'http', port: 9090, protocol: 'TCP' }], endpoints: [endpoint(10)] },
      ],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(sliceContents(c.svc ?? aService(), c.pods, NODE)).to.deep.equal(c.want);
    });

  it('cuts more than 100 endpoints into slices of 100', () => {
    const pods = Array.from({ length: 150 }, (_, i) => {
      const p = webPod(1);
      p.metadata = { ...p.metadata, name: `web-${i}`, uid: `uid-${i}` };
      p.status = { ...p.status, podIP: `10.244.${Math.floor(i / 200)}.${i + 1}` };
      return p;
    });
    expect(sliceContents(aService(), pods, NODE).map((s) => s.endpoints.length)).to.deep.equal([100, 50]);
  });
});

describe('agent/services/endpoint-slices: planSlices', () => {
  const suffix = (): string => 'abcde';
  const one: SliceContent = { ports: HTTP, endpoints: [endpoint(9)] };
  /** A slice as the store holds it after the plan's create. */
  const stored = (svc: Service, content: SliceContent, name = 'web-abcde'): EndpointSlice => {
    const [action] = planSlices(svc, [content], [], () => name.slice('web-'.length));
    if (action?.type !== 'create') throw new Error('expected a create');
    return {
      ...action.slice,
      metadata: { ...action.slice.metadata, uid: `uid-${name}`, resourceVersion: '5' },
    };
  };

  it("creates a slice named by generateName, labelled with the Service's name and controller, owned by it", () => {
    const svc = aService({}, { tier: 'front', 'kubernetes.io/service-name': 'spoofed' });
    expect(planSlices(svc, [one], [], suffix)).to.deep.equal([
      {
        type: 'create',
        slice: {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            name: 'web-abcde',
            generateName: 'web-',
            namespace: 'default',
            labels: {
              tier: 'front',
              'kubernetes.io/service-name': 'web',
              'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
            },
            ownerReferences: [
              {
                apiVersion: 'v1',
                kind: 'Service',
                name: 'web',
                uid: 'svc-uid',
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
            uid: '',
            resourceVersion: '',
            creationTimestamp: '',
          },
          addressType: 'IPv4',
          endpoints: [endpoint(9)],
          ports: HTTP,
        },
      },
    ]);
  });

  it("labels a headless Service's slice service.kubernetes.io/headless", () => {
    const [action] = planSlices(aService({ clusterIP: 'None', clusterIPs: ['None'] }), [one], [], suffix);
    expect(action?.type === 'create' && action.slice.metadata.labels).to.have.property(
      'service.kubernetes.io/headless',
      '',
    );
  });

  it('leaves a slice that holds what it should alone', () => {
    const svc = aService();
    expect(planSlices(svc, [one], [stored(svc, one)], suffix)).to.deep.equal([]);
  });

  it('updates the slice of the same ports in place, keeping its name and uid', () => {
    const svc = aService();
    const before = stored(svc, one);
    const two: SliceContent = { ports: HTTP, endpoints: [endpoint(9), endpoint(10)] };
    const actions = planSlices(svc, [two], [before], suffix);
    expect(actions).to.have.length(1);
    expect(actions[0]?.type).to.equal('update');
    const slice = (actions[0] as { slice: EndpointSlice }).slice;
    expect(slice.metadata).to.deep.equal(before.metadata);
    expect(slice.endpoints).to.deep.equal(two.endpoints);
  });

  it('replaces the placeholder once pods appear, and a slice of ports no longer wanted', () => {
    const svc = aService();
    const placeholder = stored(svc, { ports: [], endpoints: [] }, 'web-empty');
    expect(planSlices(svc, [one], [placeholder], suffix)).to.deep.include.members([
      { type: 'delete', namespace: 'default', name: 'web-empty' },
    ]);
    expect(planSlices(svc, [one], [placeholder], suffix).map((a) => a.type)).to.deep.equal([
      'create',
      'delete',
    ]);
  });

  it('deletes the slices of an earlier Service of the same name', () => {
    const svc = aService();
    const old = stored({ ...svc, metadata: { ...svc.metadata, uid: 'old-uid' } }, one, 'web-oldie');
    expect(planSlices(svc, [one], [old], suffix).map((a) => a.type)).to.deep.equal(['delete', 'create']);
  });

  it('deletes every slice of a Service that lost its selector', () => {
    const svc = aService();
    expect(planSlices(svc, [], [stored(svc, one)], suffix)).to.deep.equal([
      { type: 'delete', namespace: 'default', name: 'web-abcde' },
    ]);
  });
});

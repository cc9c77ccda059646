import { expect } from 'chai';
import { ManualClock } from '../../../../agent/clock';
import { capturingLogger } from '../../../../agent/log';
import type { Service } from '../../../../agent/model/service';
import { ClusterIpAllocator } from '../../../../agent/services/cluster-ip-allocator';
import { KubernetesServiceController } from '../../../../agent/services/kubernetes-service-controller';
import {
  type KubernetesServiceState,
  kubernetesServiceBody,
  kubernetesSlice,
  kubernetesSubsets,
  planKubernetesService,
} from '../../../../agent/services/kubernetes-service';
import { ServiceRegistry } from '../../../../agent/services/service-registry';
import { ObjectStore, ResourceVersions, noPersistence } from '../../../../agent/store/object-store';

/** The Service as the controller makes it, stored (what the table's cases edit). */
function stored(edit: (s: Service) => void = () => undefined): Service {
  const store = new ObjectStore<Service>('Service', {
    clock: new ManualClock(),
    versions: new ResourceVersions(),
    persistence: noPersistence,
  });
  const svc = new ServiceRegistry(store, '10.96.0.0/12').create(
    kubernetesServiceBody('10.96.0.1', 6443),
    'default',
  );
  edit(svc);
  return svc;
}

describe('agent/services/kubernetes-service', () => {
  describe('planKubernetesService', () => {
    const base: KubernetesServiceState = {
      existing: undefined,
      clusterIP: '10.96.0.1',
      holder: undefined,
      targetPort: 6443,
    };
    const cases: Record<string, [Partial<KubernetesServiceState>, string]> = {
      'made when missing and its address is free': [{}, 'create'],
      'not made while another Service holds the first address (a store from before it was reserved)': [
        { holder: 'apps/old' },
        'blocked',
      ],
      'left alone as made': [{ existing: stored(), holder: 'default/kubernetes' }, 'none'],
      'left alone with extra labels of its user': [
        {
          existing: stored((s) => (s.metadata.labels = { ...s.metadata.labels, team: 'x' })),
          holder: 'default/kubernetes',
        },
        'none',
      ],
      'reset when a label is removed': [
        { existing: stored((s) => delete s.metadata.labels?.['provider']), holder: 'default/kubernetes' },
        'update',
      ],
      'reset when its ports are edited': [
        {
          existing: stored(
            (s) => (s.spec.ports = [{ name: 'https', protocol: 'TCP', port: 8443, targetPort: 6443 }]),
          ),
          holder: 'default/kubernetes',
        },
        'update',
      ],
      'reset when given a selector': [
        { existing: stored((s) => (s.spec.selector = { app: 'x' })), holder: 'default/kubernetes' },
        'update',
      ],
      'reset when the API port changed (--pod-api-port)': [
        { existing: stored(), holder: 'default/kubernetes', targetPort: 7443 },
        'update',
      ],
      'made again on the first address when stored on another one (made by a user before)': [
        { existing: stored((s) => (s.spec.clusterIP = '10.96.0.77')) },
        'recreate',
      ],
      'kept on its other address while the first one is held by another Service': [
        { existing: stored((s) => (s.spec.clusterIP = '10.96.0.77')), holder: 'apps/old' },
        'blocked',
      ],
    };
    for (const [name, [state, want]] of Object.entries(cases))
      it(name, () => expect(planKubernetesService({ ...base, ...state }).type).to.equal(want));

    it('resets to the labels, ports, type and affinity the API server keeps, keeping the rest', () => {
      const existing = stored((s) => {
        s.metadata.labels = { team: 'x' };
        s.spec.selector = { app: 'x' };
        s.spec.sessionAffinity = 'ClientIP';
      });
      const action = planKubernetesService({ ...base, existing, holder: 'default/kubernetes' });
      if (action.type !== 'update') throw new Error(action.type);
      const body = action.body as unknown as Service;
      expect(body.metadata.labels).to.deep.equal({
        team: 'x',
        component: 'apiserver',
        provider: 'kubernetes',
      });
      expect(body.spec.selector).to.equal(undefined);
      expect(body.spec.sessionAffinity).to.equal('None');
      expect(body.spec.ports).to.deep.equal([
        { name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 },
      ]);
      expect(body.metadata.uid).to.equal(existing.metadata.uid);
    });
  });

  it('points its Endpoints and EndpointSlice at the API for pods, or nowhere while there is none', () => {
    const api = { ip: '10.245.0.1', port: 6443 };
    expect(kubernetesSubsets(api)).to.deep.equal([
      { addresses: [{ ip: '10.245.0.1' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
    ]);
    expect(kubernetesSubsets(undefined)).to.deep.equal([]);
    const slice = kubernetesSlice(api);
    expect(slice.metadata.name).to.equal('kubernetes');
    expect(slice.metadata.labels).to.deep.equal({ 'kubernetes.io/service-name': 'kubernetes' });
    expect(slice.endpoints.map((e) => e.addresses)).to.deep.equal([['10.245.0.1']]);
    expect(slice.ports).to.deep.equal([{ name: 'https', port: 6443, protocol: 'TCP' }]);
    expect(kubernetesSlice(undefined).endpoints).to.deep.equal([]);
  });
});

describe('agent/services/cluster-ip-allocator: the first address', () => {
  it('is never handed out, and refused as taken to anyone but the kubernetes Service', () => {
    const a = new ClusterIpAllocator('10.100.0.0/16');
    expect(a.firstAddress).to.equal('10.100.0.1');
    expect(() => a.allocate('mine', '10.100.0.1')).to.throw(/provided IP is already allocated/);
    expect(a.allocate('kubernetes', '10.100.0.1', true)).to.equal('10.100.0.1');
    expect(() => a.allocate('kubernetes', '10.100.0.1', true)).to.throw(/already allocated/);
  });
});

describe('agent/services/kubernetes-service-controller', () => {
  let store: ObjectStore<Service>;
  let registry: ServiceRegistry;
  const logger = capturingLogger();
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
  const controller = (): KubernetesServiceController =>
    new KubernetesServiceController({ services: store, registry, targetPort: 6443, logger });
  beforeEach(() => {
    store = new ObjectStore<Service>('Service', {
      clock: new ManualClock(),
      versions: new ResourceVersions(),
      persistence: noPersistence,
    });
    registry = new ServiceRegistry(store, '10.96.0.0/12');
    logger.records.length = 0;
  });

  it('makes the Service on the first address, makes it again when deleted and resets it when edited', async () => {
    const c = controller();
    c.start();
    const made = store.mustGet('default', 'kubernetes');
    expect(made.spec.clusterIP).to.equal('10.96.0.1');
    expect(made.metadata.labels).to.deep.equal({ component: 'apiserver', provider: 'kubernetes' });
    registry.delete('default', 'kubernetes');
    await settle();
    expect(store.mustGet('default', 'kubernetes').metadata.uid).to.not.equal(made.metadata.uid);
    registry.update(
      { ...store.mustGet('default', 'kubernetes'), spec: { ...made.spec, ports: [{ port: 80 }] } },
      'default',
      'kubernetes',
    );
    expect(store.mustGet('default', 'kubernetes').spec.ports[0]?.port).to.equal(80);
    await settle();
    expect(store.mustGet('default', 'kubernetes').spec.ports[0]?.port).to.equal(443);
    c.stop();
  });

  it('leaves a Service stored on the first address before it was reserved alone, says so once, and takes the address when it is freed', async () => {
    // as an older agent let it be asked for: the store is loaded with it
    store.create({ ...stored(), metadata: { ...stored().metadata, name: 'old', namespace: 'apps' } });
    registry = new ServiceRegistry(store, '10.96.0.0/12');
    const c = controller();
    c.start();
    expect(store.get('default', 'kubernetes')).to.equal(undefined);
    registry.create({ metadata: { name: 'other' }, spec: { ports: [{ port: 80 }] } }, 'default');
    await settle();
    expect(logger.records.filter((l) => l.message.includes('held by another Service'))).to.have.length(1);
    registry.delete('apps', 'old');
    await settle();
    expect(store.mustGet('default', 'kubernetes').spec.clusterIP).to.equal('10.96.0.1');
    c.stop();
  });
});

// Accept `application/json;as=PartialObjectMetadata(List);g=meta.k8s.io;v=v1`: what client-go's metadata
// client (the garbage collector, helm) asks for. Metadata alone, in upstream's kinds; a conversion the server
// does not make is its 406 NotAcceptable.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';

const NS = '/api/v1/namespaces/default';
/** client-go's metadata client: protobuf first, then JSON, then plain JSON. */
const accept = (as: string, v = 'v1'): string =>
  `application/vnd.kubernetes.protobuf;as=${as};g=meta.k8s.io;v=${v},application/json;as=${as};g=meta.k8s.io;v=${v},application/json`;

interface Partial {
  kind: string;
  apiVersion: string;
  metadata: { name?: string; resourceVersion?: string; labels?: Record<string, string>; continue?: string };
  items?: Partial[];
  data?: unknown;
}

describe('api: PartialObjectMetadata (memory runtime)', () => {
  let clock: ManualClock;
  let h: Harness;
  beforeEach(async () => {
    clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  // ConfigMaps: objects nothing changes behind the test's back
  const create = async (name: string): Promise<Partial['metadata']> =>
    (
      await h.api.inject({
        method: 'POST',
        url: `${NS}/configmaps`,
        payload: { metadata: { name, labels: { app: name } }, data: { k: 'v' } },
      })
    ).json<Partial>().metadata;

  /** A watch that ends at once (timeoutSeconds=-1) once the clock has moved. */
  async function ended<T>(pending: Promise<T>): Promise<T> {
    let done = false;
    void pending.then(() => (done = true));
    while (!done) {
      await new Promise((r) => setTimeout(r, 5));
      clock.advance(1);
    }
    return pending;
  }

  it('serves one object as PartialObjectMetadata: metadata only', async () => {
    const metadata = await create('web');
    const r = await h.api.inject({
      url: `${NS}/configmaps/web`,
      headers: { accept: accept('PartialObjectMetadata') },
    });
    expect(r.statusCode).to.equal(200);
    const body = r.json<Partial>();
    expect(Object.keys(body)).to.deep.equal(['kind', 'apiVersion', 'metadata']);
    expect(body).to.include({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' });
    expect(body.metadata).to.deep.equal(metadata);
  });

  it('serves a list as PartialObjectMetadataList, paged, and the v1beta1 version too', async () => {
    const a = await create('a');
    await create('b');
    const r = await h.api.inject({
      url: `${NS}/configmaps?limit=1`,
      headers: { accept: accept('PartialObjectMetadataList') },
    });
    expect(r.statusCode).to.equal(200);
    const list = r.json<Partial>();
    expect(list).to.include({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1' });
    expect(list.metadata.continue).to.be.a('string');
    expect(list.items).to.have.length(1);
    expect(list.items?.[0]).to.deep.equal({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: a,
    });
    // a plain list of the same URL afterwards is still the full one (lists are cached by URL)
    const plain = (await h.api.inject({ url: `${NS}/configmaps?limit=1` })).json<Partial>();
    expect(plain.kind).to.equal('ConfigMapList');
    expect(plain.items?.[0]).to.have.property('data');
    const beta = await h.api.inject({
      url: '/apis/apps/v1/namespaces/default/deployments',
      headers: { accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1beta1' },
    });
    expect(beta.json()).to.deep.include({
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1beta1',
    });
  });

  it('sends each watch event as PartialObjectMetadata', async () => {
    const a = await create('a');
    const r = await ended(
      h.api.inject({
        url: `${NS}/configmaps?watch=true&timeoutSeconds=-1`,
        headers: { accept: accept('PartialObjectMetadata') },
      }),
    );
    expect(r.statusCode).to.equal(200);
    const [event] = r.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: Partial });
    expect(event?.type).to.equal('ADDED');
    expect(event?.object).to.deep.equal({
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: a,
    });
  });

  it('is a 406 NotAcceptable for a conversion the server does not make, or one that does not fit', async () => {
    await h.createPod({ metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const status = (r: { json<T>(): T }) => r.json<{ code: number; reason: string; message: string }>();
    const unknown = await h.api.inject({
      url: `${NS}/pods`,
      headers: { accept: 'application/json;as=Unknown;g=meta.k8s.io;v=v1' },
    });
    expect(unknown.statusCode).to.equal(406);
    expect(status(unknown)).to.include({
      reason: 'NotAcceptable',
      code: 406,
      message:
        'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    });
    const otherGroup = await h.api.inject({
      url: `${NS}/pods/a`,
      headers: { accept: 'application/json;as=Table;g=apps;v=v1' },
    });
    expect(otherGroup.statusCode).to.equal(406);
    const itemOfList = await h.api.inject({
      url: `${NS}/pods`,
      headers: { accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' },
    });
    expect(itemOfList.statusCode).to.equal(406);
    expect(status(itemOfList).message).to.equal(
      'you requested PartialObjectMetadata, but the requested object is a list (*core.PodList)',
    );
    const listOfItem = await h.api.inject({
      url: `${NS}/pods/a`,
      headers: { accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1' },
    });
    expect(status(listOfItem).message).to.equal(
      'you requested PartialObjectMetadataList, but the requested object is not a list (*core.Pod)',
    );
    // a later clause that fits is taken
    const fallback = await h.api.inject({
      url: `${NS}/pods/a`,
      headers: { accept: 'application/json;as=Unknown;g=meta.k8s.io;v=v1,application/json' },
    });
    expect(fallback.json<Partial>().kind).to.equal('Pod');
  });
});

// What a write may not do to an object other than the one it names: a DELETE's preconditions (uid,
// resourceVersion) are checked for every kind before anything goes, a PUT body's uid is a precondition too,
// and a PUT body or patch result that names another object is refused, as kube-apiserver words it.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { deploymentBody } from '../../helpers/workload-builders';

const CORE = '/api/v1/namespaces/default';
const APPS = '/apis/apps/v1/namespaces/default';

interface Status {
  code: number;
  reason: string;
  message: string;
}
interface Meta {
  metadata: { name: string; uid: string; resourceVersion: string };
}

/** A kind the DELETE cases run on: where its objects live, a body for `name`, how upstream names it. */
interface Case {
  kind: string;
  collection: string;
  body: (name: string) => object;
  resource: string;
}

const CASES: Case[] = [
  {
    kind: 'ConfigMap',
    collection: `${CORE}/configmaps`,
    body: (name) => ({ metadata: { name }, data: { a: '1' } }),
    resource: 'configmaps',
  },
  {
    kind: 'Service',
    collection: `${CORE}/services`,
    body: (name) => ({ metadata: { name }, spec: { ports: [{ port: 80 }] } }),
    resource: 'services',
  },
  {
    kind: 'Deployment',
    collection: `${APPS}/deployments`,
    body: (name) => ({ ...deploymentBody(0), metadata: { name } }),
    resource: 'deployments.apps',
  },
  {
    kind: 'Namespace',
    collection: '/api/v1/namespaces',
    body: (name) => ({ metadata: { name } }),
    resource: 'namespaces',
  },
  {
    kind: 'CronJob',
    collection: '/apis/batch/v1/namespaces/default/cronjobs',
    body: (name) => ({
      metadata: { name },
      spec: {
        schedule: '0 0 1 1 *',
        jobTemplate: {
          spec: {
            template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
          },
        },
      },
    }),
    resource: 'cronjobs.batch',
  },
  {
    kind: 'ControllerRevision',
    collection: `${APPS}/controllerrevisions`,
    body: (name) => ({ metadata: { name }, revision: 1 }),
    resource: 'controllerrevisions.apps',
  },
  {
    kind: 'Secret',
    collection: `${CORE}/secrets`,
    body: (name) => ({ metadata: { name } }),
    resource: 'secrets',
  },
  {
    kind: 'ServiceAccount',
    collection: `${CORE}/serviceaccounts`,
    body: (name) => ({ metadata: { name } }),
    resource: 'serviceaccounts',
  },
];

describe('api: write preconditions (uid, resourceVersion, name)', () => {
  let h: Harness;
  beforeEach(async () => {
    const clock = new ManualClock();
    h = await new Harness({ runtime: new MemoryRuntime(clock), clock }).start();
  });
  afterEach(async () => h.stop());

  const send = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    type?: string,
  ) =>
    h.api.inject({
      method,
      url,
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
      headers: { 'content-type': type ?? 'application/json' },
    });
  /** Created, and as it stands once its controller is done with it (a Deployment's status and revision). */
  const created = async (url: string, body: object): Promise<Meta['metadata']> => {
    const res = await send('POST', url, body);
    expect(res.statusCode, res.body).to.equal(201);
    const item = `${url}/${res.json<Meta>().metadata.name}`;
    for (let last = ''; ; await new Promise((r) => setTimeout(r, 50))) {
      const m = (await send('GET', item)).json<Meta>().metadata;
      if (m.resourceVersion === last) return m;
      last = m.resourceVersion;
    }
  };
  const expectStatus = (res: { statusCode: number; body: string }, code: number, message: string) => {
    expect(res.statusCode, res.body).to.equal(code);
    expect(JSON.parse(res.body) as Status).to.include({ code, message });
  };
  /** Still there and not on its way out (a Namespace would show Terminating). */
  const untouched = async (url: string) => {
    const res = await send('GET', url);
    expect(res.statusCode, res.body).to.equal(200);
    expect(res.json<{ metadata: { deletionTimestamp?: string } }>().metadata.deletionTimestamp).to.equal(
      undefined,
    );
  };

  /** A Namespace goes once its contents have (the namespace controller, a moment later). */
  const gone = async (url: string) => {
    for (let i = 0; (await send('GET', url)).statusCode !== 404; i++) {
      expect(i, `${url} still there`).to.be.below(200);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  for (const c of CASES) {
    describe(`DELETE of a ${c.kind}`, () => {
      it('with another uid: 409 Conflict, and the object stays', async () => {
        const m = await created(c.collection, c.body('pc1'));
        const res = await send('DELETE', `${c.collection}/pc1`, { preconditions: { uid: 'wrong-uid' } });
        expectStatus(
          res,
          409,
          `Operation cannot be fulfilled on ${c.resource} "pc1": Precondition failed: UID in precondition: wrong-uid, UID in object meta: ${m.uid}`,
        );
        expect(res.json<Status>().reason).to.equal('Conflict');
        await untouched(`${c.collection}/pc1`);
      });

      it('with another resourceVersion: 409 Conflict, and the object stays', async () => {
        const m = await created(c.collection, c.body('pc2'));
        const res = await send('DELETE', `${c.collection}/pc2`, { preconditions: { resourceVersion: '1' } });
        expectStatus(
          res,
          409,
          `Operation cannot be fulfilled on ${c.resource} "pc2": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: ${m.resourceVersion}`,
        );
        await untouched(`${c.collection}/pc2`);
      });

      it('with its own uid and resourceVersion: deleted', async () => {
        const m = await created(c.collection, c.body('pc3'));
        const res = await send('DELETE', `${c.collection}/pc3`, {
          preconditions: { uid: m.uid, resourceVersion: m.resourceVersion },
        });
        expect(res.statusCode, res.body).to.equal(200);
        await gone(`${c.collection}/pc3`);
      });
    });
  }

  describe('PUT and PATCH name the object of the URL', () => {
    const cm = `${CORE}/configmaps`;
    const dep = `${APPS}/deployments`;
    const MERGE = 'application/merge-patch+json';
    const JSON_PATCH = 'application/json-patch+json';

    it('a PUT with another uid is a 409 precondition failure; the object is unchanged', async () => {
      const m = await created(cm, { metadata: { name: 'u1' }, data: { a: '1' } });
      const res = await send('PUT', `${cm}/u1`, {
        metadata: { name: 'u1', uid: 'wrong-uid' },
        data: { z: '1' },
      });
      expectStatus(
        res,
        409,
        `Operation cannot be fulfilled on configmaps "u1": Precondition failed: UID in precondition: wrong-uid, UID in object meta: ${m.uid}`,
      );
      const now = (await send('GET', `${cm}/u1`)).json<Meta & { data: object }>();
      expect(now.data).to.deep.equal({ a: '1' });
      expect(now.metadata.resourceVersion).to.equal(m.resourceVersion);
    });

    it('a PUT with its own uid or none is accepted', async () => {
      const m = await created(cm, { metadata: { name: 'u2' } });
      expect((await send('PUT', `${cm}/u2`, { metadata: { name: 'u2', uid: m.uid } })).statusCode).to.equal(
        200,
      );
      expect((await send('PUT', `${cm}/u2`, { metadata: { name: 'u2', uid: '' } })).statusCode).to.equal(200);
    });

    it('a PUT naming another object is a 400 BadRequest', async () => {
      await created(cm, { metadata: { name: 'cm1' } });
      expectStatus(
        await send('PUT', `${cm}/cm1`, { metadata: { name: 'other' }, data: { x: 'y' } }),
        400,
        'the name of the object (other) does not match the name on the URL (cm1)',
      );
      expect((await send('GET', `${cm}/other`)).statusCode).to.equal(404);
    });

    it('a JSON patch or merge patch renaming the object is a 400 BadRequest', async () => {
      await created(cm, { metadata: { name: 'cm1' } });
      const message = 'the name of the object (other) does not match the name on the URL (cm1)';
      expectStatus(
        await send(
          'PATCH',
          `${cm}/cm1`,
          [{ op: 'replace', path: '/metadata/name', value: 'other' }],
          JSON_PATCH,
        ),
        400,
        message,
      );
      expectStatus(await send('PATCH', `${cm}/cm1`, { metadata: { name: 'other' } }, MERGE), 400, message);
    });

    it('a patch changing the uid is a 422: the uid is immutable', async () => {
      const m = await created(cm, { metadata: { name: 'cm1' } });
      const res = await send('PATCH', `${cm}/cm1`, { metadata: { uid: 'bad-uid' } }, MERGE);
      expectStatus(
        res,
        422,
        'ConfigMap "cm1" is invalid: metadata.uid: Invalid value: "bad-uid": field is immutable',
      );
      expect((await send('GET', `${cm}/cm1`)).json<Meta>().metadata.resourceVersion).to.equal(
        m.resourceVersion,
      );
    });

    it('a Deployment: PUT with another uid (409) or name (400), patch with another uid (422) or name (400)', async () => {
      const m = await created(dep, deploymentBody(0));
      const body = (meta: object) => ({ ...deploymentBody(0), metadata: { name: 'web', ...meta } });
      expectStatus(
        await send('PUT', `${dep}/web`, body({ uid: 'wrong-uid' })),
        409,
        `Operation cannot be fulfilled on deployments.apps "web": Precondition failed: UID in precondition: wrong-uid, UID in object meta: ${m.uid}`,
      );
      expectStatus(
        await send('PUT', `${dep}/web`, body({ name: 'other' })),
        400,
        'the name of the object (other) does not match the name on the URL (web)',
      );
      expectStatus(
        await send('PATCH', `${dep}/web`, { metadata: { name: 'other' } }, MERGE),
        400,
        'the name of the object (other) does not match the name on the URL (web)',
      );
      expectStatus(
        await send(
          'PATCH',
          `${dep}/web`,
          { metadata: { uid: 'bad-uid' } },
          'application/strategic-merge-patch+json',
        ),
        422,
        'Deployment.apps "web" is invalid: metadata.uid: Invalid value: "bad-uid": field is immutable',
      );
      const now = (await send('GET', `${dep}/web`)).json<Meta>();
      expect(now.metadata.resourceVersion).to.equal(m.resourceVersion);
    });

    it('deployments/scale: a Scale naming another object is a 400 BadRequest (PUT and patch)', async () => {
      const m = await created(dep, deploymentBody(0));
      const scale = (name: string) => ({
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name },
        spec: { replicas: 0 },
      });
      const message = 'the name of the object (other) does not match the name on the URL (web)';
      expectStatus(await send('PUT', `${dep}/web/scale`, scale('other')), 400, message);
      expectStatus(
        await send('PATCH', `${dep}/web/scale`, { metadata: { name: 'other' } }, MERGE),
        400,
        message,
      );
      expect((await send('PUT', `${dep}/web/scale`, scale('web'))).statusCode).to.equal(200);
      expect((await send('GET', `${dep}/web`)).json<Meta>().metadata.uid).to.equal(m.uid);
    });

    for (const [kind, url, body] of [
      ['deployments', dep, deploymentBody(0)],
      ['replicasets', `${APPS}/replicasets`, { ...deploymentBody(0), kind: 'ReplicaSet' }],
    ] as const) {
      it(`${kind}/scale: a Scale with another uid is a 409 precondition failure (patch and PUT)`, async () => {
        const m = await created(url, body);
        const message = `Operation cannot be fulfilled on ${kind}/scale.apps "web": Precondition failed: UID in precondition: wrong-uid, UID in object meta: ${m.uid}`;
        const patched = await send(
          'PATCH',
          `${url}/web/scale`,
          { metadata: { uid: 'wrong-uid' }, spec: { replicas: 3 } },
          MERGE,
        );
        expectStatus(patched, 409, message);
        expect(patched.json<{ details: object }>().details).to.deep.equal({
          name: 'web',
          group: 'apps',
          kind: `${kind}/scale`,
        });
        const scale = {
          apiVersion: 'autoscaling/v1',
          kind: 'Scale',
          metadata: { name: 'web', uid: 'wrong-uid' },
          spec: { replicas: 3 },
        };
        expectStatus(await send('PUT', `${url}/web/scale`, scale), 409, message);
        const now = (await send('GET', `${url}/web`)).json<Meta & { spec: { replicas: number } }>();
        expect(now.spec.replicas).to.equal(0);
        expect(now.metadata.resourceVersion).to.equal(m.resourceVersion);
        const own = await send(
          'PATCH',
          `${url}/web/scale`,
          { metadata: { uid: m.uid }, spec: { replicas: 1 } },
          MERGE,
        );
        expect(own.statusCode, own.body).to.equal(200);
      });
    }

    it('a pod renamed by a patch is a 400 BadRequest, as for every kind', async () => {
      const pod = { metadata: { name: 'p1' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
      await created(`${CORE}/pods`, pod);
      expectStatus(
        await send('PATCH', `${CORE}/pods/p1`, { metadata: { name: 'other' } }, MERGE),
        400,
        'the name of the object (other) does not match the name on the URL (p1)',
      );
    });
  });
});

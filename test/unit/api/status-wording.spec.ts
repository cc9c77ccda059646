// Error Status objects worded as kube-apiserver words them (apimachinery's pkg/api/errors): an Invalid names
// the Kind and its group (`Deployment.apps "d" is invalid`, `"group":"apps","kind":"Deployment"`, which
// kubectl prints as `The Deployment "d" is invalid`); NotFound, AlreadyExists and Conflict name the
// resource qualified by its group (`deployments.apps "d" not found`, `"group":"apps","kind":"deployments"`).
// Core kinds have no group.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { deploymentBody } from '../../helpers/workload-builders';

const CORE = '/api/v1/namespaces/default';
const APPS = '/apis/apps/v1/namespaces/default';
const BATCH = '/apis/batch/v1/namespaces/default';
const STALE = 'the object has been modified; please apply your changes to the latest version and try again';

const podBody = (name: string, image = 'busybox'): object => ({
  metadata: { name },
  spec: { containers: [{ name: 'c', ...(image ? { image } : {}) }] },
});

const jobBody = (name: string): object => ({
  metadata: { name },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
});

interface Status {
  code: number;
  reason: string;
  message: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { field: string }[] };
}

describe('api: error Status wording (kind and group as upstream)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  afterEach(async () => h.stop());

  const send = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: object,
  ): Promise<{ statusCode: number; status: Status; body: string }> => {
    const res = await h.api.inject({
      method,
      url,
      ...(body ? { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    return { statusCode: res.statusCode, status: res.json<Status>(), body: res.body };
  };
  const created = async (url: string, body: object): Promise<void> => {
    const res = await send('POST', url, body);
    expect(res.statusCode, res.body).to.equal(201);
  };
  /** The Status's code, reason, message (or its start) and details but for the causes. */
  const expectStatus = (
    res: { statusCode: number; status: Status; body: string },
    code: number,
    reason: string,
    message: string | RegExp,
    details: Status['details'],
  ): void => {
    expect(res.statusCode, res.body).to.equal(code);
    expect(res.status).to.include({ code, reason });
    if (typeof message === 'string') expect(res.status.message).to.equal(message);
    else expect(res.status.message).to.match(message);
    const { causes: _causes, ...rest } = res.status.details ?? {};
    expect(rest).to.deep.equal(details);
  };

  describe('Invalid: the Kind, and the group outside core', () => {
    it('a Pod: `Pod "p" is invalid`, details.kind Pod and no group', async () => {
      const res = await send('POST', `${CORE}/pods`, podBody('p', ''));
      expectStatus(res, 422, 'Invalid', 'Pod "p" is invalid: spec.containers[0].image: Required value', {
        name: 'p',
        kind: 'Pod',
      });
      expect(res.status.details?.causes?.map((c) => c.field)).to.deep.equal(['spec.containers[0].image']);
    });

    it('a Service: `Service "s" is invalid`, details.kind Service', async () => {
      const res = await send('POST', `${CORE}/services`, {
        metadata: { name: 's' },
        spec: { ports: [{ port: 0 }] },
      });
      expectStatus(res, 422, 'Invalid', /^Service "s" is invalid: \[?spec\.ports\[0\]\.port: /, {
        name: 's',
        kind: 'Service',
      });
    });

    it('a Deployment: `Deployment.apps "web" is invalid`, details group apps and kind Deployment', async () => {
      const res = await send('POST', `${APPS}/deployments`, deploymentBody(-1));
      expectStatus(
        res,
        422,
        'Invalid',
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
        { name: 'web', group: 'apps', kind: 'Deployment' },
      );
    });

    for (const [resource, kind, body] of [
      ['replicasets', 'ReplicaSet', { ...deploymentBody(-1), kind: 'ReplicaSet', metadata: { name: 'x' } }],
      [
        'daemonsets',
        'DaemonSet',
        { metadata: { name: 'x' }, spec: { selector: { matchLabels: { a: 'b' } } } },
      ],
      ['controllerrevisions', 'ControllerRevision', { metadata: { name: 'x' }, revision: -1 }],
    ] as const) {
      it(`a ${kind} is of group apps too: \`${kind}.apps "x" is invalid\``, async () => {
        const res = await send('POST', `${APPS}/${resource}`, body);
        expectStatus(res, 422, 'Invalid', new RegExp(`^${kind}\\.apps "x" is invalid: `), {
          name: 'x',
          group: 'apps',
          kind,
        });
      });
    }

    it('a Job stays `Job.batch` (group batch, kind Job)', async () => {
      const job = { metadata: { name: 'j' }, spec: { template: { spec: { containers: [] } } } };
      expectStatus(await send('POST', `${BATCH}/jobs`, job), 422, 'Invalid', /^Job\.batch "j" is invalid: /, {
        name: 'j',
        group: 'batch',
        kind: 'Job',
      });
    });

    it('a Scale: `Scale.autoscaling "web" is invalid`, details group autoscaling and kind Scale', async () => {
      await created(`${APPS}/deployments`, deploymentBody(0));
      const scale = {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'web' },
        spec: { replicas: -1 },
      };
      expectStatus(
        await send('PUT', `${APPS}/deployments/web/scale`, scale),
        422,
        'Invalid',
        'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
        { name: 'web', group: 'autoscaling', kind: 'Scale' },
      );
    });

    it('log options: `PodLogOptions "p" is invalid`, details.kind PodLogOptions', async () => {
      await created(`${CORE}/pods`, podBody('p'));
      expectStatus(
        await send('GET', `${CORE}/pods/p/log?tailLines=-1`),
        422,
        'Invalid',
        'PodLogOptions "p" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
        { name: 'p', kind: 'PodLogOptions' },
      );
    });
  });

  describe('NotFound: the resource qualified by its group', () => {
    it('a core resource has no group: `pods "x" not found`', async () => {
      expectStatus(await send('GET', `${CORE}/pods/x`), 404, 'NotFound', 'pods "x" not found', {
        name: 'x',
        kind: 'pods',
      });
    });

    for (const [collection, resource, group] of [
      [`${APPS}/deployments`, 'deployments', 'apps'],
      [`${APPS}/replicasets`, 'replicasets', 'apps'],
      [`${APPS}/daemonsets`, 'daemonsets', 'apps'],
      [`${APPS}/controllerrevisions`, 'controllerrevisions', 'apps'],
      [`${BATCH}/jobs`, 'jobs', 'batch'],
      [`${BATCH}/cronjobs`, 'cronjobs', 'batch'],
    ] as const) {
      it(`${resource}.${group}: GET and DELETE of a missing one, and a name no object can have`, async () => {
        const details = { name: 'nope', group, kind: resource };
        const message = `${resource}.${group} "nope" not found`;
        expectStatus(await send('GET', `${collection}/nope`), 404, 'NotFound', message, details);
        expectStatus(await send('DELETE', `${collection}/nope`), 404, 'NotFound', message, details);
        expectStatus(
          await send('GET', `${collection}/Bad_Name`),
          404,
          'NotFound',
          `${resource}.${group} "Bad_Name" not found`,
          { ...details, name: 'Bad_Name' },
        );
      });
    }

    it('the scale and status of a missing Deployment: `deployments.apps "nope" not found`', async () => {
      const details = { name: 'nope', group: 'apps', kind: 'deployments' };
      const message = 'deployments.apps "nope" not found';
      expectStatus(await send('GET', `${APPS}/deployments/nope/scale`), 404, 'NotFound', message, details);
      expectStatus(await send('GET', `${APPS}/deployments/nope/status`), 404, 'NotFound', message, details);
      expectStatus(
        await send('GET', `${BATCH}/jobs/nope/status`),
        404,
        'NotFound',
        'jobs.batch "nope" not found',
        {
          ...details,
          group: 'batch',
          kind: 'jobs',
        },
      );
    });
  });

  describe('AlreadyExists and Conflict: the resource qualified by its group', () => {
    for (const [collection, body, resource, group] of [
      [`${APPS}/deployments`, deploymentBody(0), 'deployments', 'apps'],
      [`${BATCH}/jobs`, jobBody('web'), 'jobs', 'batch'],
      [`${CORE}/pods`, podBody('web'), 'pods', ''],
    ] as const) {
      const qualified = group ? `${resource}.${group}` : resource;
      it(`a second POST of the name: \`${qualified} "web" already exists\``, async () => {
        await created(collection, body);
        expectStatus(
          await send('POST', collection, body),
          409,
          'AlreadyExists',
          `${qualified} "web" already exists`,
          { name: 'web', ...(group ? { group } : {}), kind: resource },
        );
      });
    }

    it('a stale resourceVersion on a Deployment or its Scale: `Operation cannot be fulfilled on deployments.apps`', async () => {
      await created(`${APPS}/deployments`, deploymentBody(0));
      const details = { name: 'web', group: 'apps', kind: 'deployments' };
      const message = `Operation cannot be fulfilled on deployments.apps "web": ${STALE}`;
      const stale = { ...deploymentBody(0), metadata: { name: 'web', resourceVersion: '1' } };
      expectStatus(await send('PUT', `${APPS}/deployments/web`, stale), 409, 'Conflict', message, details);
      const scale = {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: { name: 'web', resourceVersion: '1' },
        spec: { replicas: 1 },
      };
      expectStatus(
        await send('PUT', `${APPS}/deployments/web/scale`, scale),
        409,
        'Conflict',
        message,
        details,
      );
    });

    it('a stale resourceVersion on a pod: `Operation cannot be fulfilled on pods "p"`, no group', async () => {
      await created(`${CORE}/pods`, podBody('p'));
      const pod = JSON.parse((await send('GET', `${CORE}/pods/p`)).body) as { metadata: object };
      const stale = { ...pod, metadata: { ...pod.metadata, resourceVersion: '1' } };
      expectStatus(
        await send('PUT', `${CORE}/pods/p`, stale),
        409,
        'Conflict',
        `Operation cannot be fulfilled on pods "p": ${STALE}`,
        { name: 'p', kind: 'pods' },
      );
    });
  });
});

// Bodies of the right syntax but the wrong shape (a null list entry, a null field, a metadata that is not an
// object) are refused as upstream refuses them, 400 or 422, never a TypeError's 500 (audit A3 and C1).
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { deploymentBody, template } from '../../helpers/workload-builders';

const CORE = '/api/v1/namespaces/default';
const APPS = '/apis/apps/v1/namespaces/default';
const BATCH = '/apis/batch/v1/namespaces/default';

interface Status {
  message: string;
  details?: { name?: string; causes?: { field: string; message: string }[] };
}

const podWith = (container: object, spec: object = {}): object => ({
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'busybox', ...container }], ...spec },
});
const cronJob = (container: object): object => ({
  metadata: { name: 'cj' },
  spec: {
    schedule: '*/5 * * * *',
    jobTemplate: {
      spec: {
        template: {
          spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', ...container }] },
        },
      },
    },
  },
});

describe('api: bodies of the wrong shape (400 or 422, never 500)', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  after(async () => h.stop());

  const send = async (method: 'POST' | 'PATCH', url: string, payload: object, type = 'application/json') => {
    const res = await h.api.inject({ method, url, payload, headers: { 'content-type': type } });
    return { status: res.statusCode, body: res.json<Status>() };
  };
  const mergePatch = (url: string, patch: object) =>
    send('PATCH', url, patch, 'application/merge-patch+json');
  /** A 422 whose causes say the null entry at `field` must be an object. */
  const notAnObject = async (url: string, payload: object, field: string): Promise<void> => {
    const message = 'Invalid value: null: must be an object';
    const res = await send('POST', url, payload);
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.details?.causes).to.deep.include({ reason: 'FieldValueInvalid', field, message });
  };

  describe('a null entry in a list of objects is `must be an object`', () => {
    it('a Service port', async () => {
      const body = { metadata: { name: 'n1' }, spec: { ports: [{ port: 80, name: 'a' }, null] } };
      await notAnObject(`${CORE}/services`, body, 'spec.ports[1]');
    });
    it('a pod volume, container port and envFrom', async () => {
      const volumes = podWith({}, { volumes: [null] });
      await notAnObject(`${CORE}/pods`, volumes, 'spec.volumes[0]');
      const ports = podWith({ ports: [null] });
      await notAnObject(`${CORE}/pods`, ports, 'spec.containers[0].ports[0]');
      const envFrom = podWith({ envFrom: [null] });
      await notAnObject(`${CORE}/pods`, envFrom, 'spec.containers[0].envFrom[0]');
    });
    it("a Job's podFailurePolicy rule", async () => {
      const job = {
        metadata: { name: 'j' },
        spec: {
          podFailurePolicy: { rules: [null] },
          template: { spec: { ...template().spec, restartPolicy: 'Never' } },
        },
      };
      await notAnObject(`${BATCH}/jobs`, job, 'spec.podFailurePolicy.rules[0]');
    });
    it("a strategic-merge patch of a CronJob's template", async () => {
      expect((await send('POST', `${BATCH}/cronjobs`, cronJob({}))).status).to.equal(201);
      const patch = cronJob({ envFrom: [null] });
      const res = await send(
        'PATCH',
        `${BATCH}/cronjobs/cj`,
        patch,
        'application/strategic-merge-patch+json',
      );
      expect(res.status, JSON.stringify(res.body)).to.equal(422);
      expect(res.body.details?.causes?.map((c) => c.field)).to.deep.equal([
        'spec.jobTemplate.spec.template.spec.containers[0].envFrom[0]',
      ]);
    });
  });

  it('a null field is left unset, as Go leaves it at its zero value', async () => {
    const res = await send('POST', `${CORE}/services?dryRun=All`, {
      metadata: { name: 'n2' },
      spec: { ports: [{ port: 80, name: null }] },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
  });

  describe('a metadata that is not an object is a decode error (400)', () => {
    for (const [metadata, type] of [
      ['x', 'string'],
      [-1, 'number'],
      [[null], 'array'],
      [true, 'bool'],
    ] as const) {
      it(`a Deployment, DaemonSet, CronJob and Pod with metadata ${JSON.stringify(metadata)}`, async () => {
        for (const [url, kind] of [
          [`${APPS}/deployments`, 'Deployment'],
          [`${APPS}/daemonsets`, 'DaemonSet'],
          [`${BATCH}/cronjobs`, 'CronJob'],
          [`${CORE}/pods`, 'Pod'],
        ] as const) {
          const res = await send('POST', url, { metadata, spec: {} });
          expect(res.status, `${kind}: ${JSON.stringify(res.body)}`).to.equal(400);
          expect(res.body.message).to.equal(
            `${kind} in version "v1" cannot be handled as a ${kind}: json: cannot unmarshal ${type} into Go struct field ${kind}.metadata of type v1.ObjectMeta`,
          );
        }
      });
    }
    it('a merge patch that makes the metadata of a Deployment or a CronJob a string', async () => {
      const existing = [
        [`${APPS}/deployments`, deploymentBody(0), 'Deployment'],
        [`${BATCH}/cronjobs`, { ...cronJob({}), metadata: { name: 'web' } }, 'CronJob'],
      ] as const;
      for (const [url, body, kind] of existing) {
        expect((await send('POST', url, body)).status).to.equal(201);
        const res = await mergePatch(`${url}/web`, { metadata: 'NaN' });
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.message).to.equal(
          `${kind} in version "v1" cannot be handled as a ${kind}: json: cannot unmarshal string into Go struct field ${kind}.metadata of type v1.ObjectMeta`,
        );
      }
    });
  });

  it('a Deployment with an empty metadata needs a name (422)', async () => {
    const res = await send('POST', `${APPS}/deployments`, { ...deploymentBody(0), metadata: {} });
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.message).to.match(/^Deployment\.apps "" is invalid: metadata\.name: Required value/);
  });

  it('a Job or CronJob without a name is `""`, and one whose name is null is one without a name', async () => {
    const job = {
      metadata: {},
      spec: { template: { spec: { ...template().spec, restartPolicy: 'Never' } } },
    };
    const res = await send('POST', `${BATCH}/jobs`, job);
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.message).to.equal(
      'Job.batch "" is invalid: metadata.name: Required value: name or generateName is required',
    );
    const named = await send('POST', `${BATCH}/cronjobs`, {
      ...cronJob({}),
      metadata: { name: null },
    });
    expect(named.status, JSON.stringify(named.body)).to.equal(422);
    expect(named.body.message).to.equal(
      'CronJob.batch "" is invalid: metadata.name: Required value: name or generateName is required',
    );
  });

  describe('a ConfigMap or Secret without a name is `""`, not "undefined" (C1)', () => {
    for (const kind of ['ConfigMap', 'Secret']) {
      it(`a ${kind} with an empty or null metadata`, async () => {
        for (const metadata of [{}, null]) {
          const res = await send('POST', `${CORE}/${kind.toLowerCase()}s`, { metadata });
          expect(res.status, JSON.stringify(res.body)).to.equal(422);
          expect(res.body.message).to.equal(
            `${kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
          );
        }
      });
    }
    it("a merge patch that removes a ConfigMap's metadata names no object (upstream's checkName)", async () => {
      expect((await send('POST', `${CORE}/configmaps`, { metadata: { name: 'cm' } })).status).to.equal(201);
      const res = await mergePatch(`${CORE}/configmaps/cm`, { metadata: null });
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.message).to.equal('the name of the object () does not match the name on the URL (cm)');
    });
  });
});

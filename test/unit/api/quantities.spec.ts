// Resource quantities as the API server takes them: one that does not parse is the decoder's 400 wherever a
// quantity appears (it was stored, its limit silently not applied, and kubectl describe node failed on it);
// a negative one, or a request above its limit, is a 422. Nothing is stored either way.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { QUANTITY_FORMAT_ERROR } from '../../../agent/model/quantity';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { deploymentBody, template } from '../../helpers/workload-builders';

const CORE = '/api/v1/namespaces/default';
const APPS = '/apis/apps/v1/namespaces/default';
const BATCH = '/apis/batch/v1/namespaces/default';

interface Status {
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { reason: string; field: string; message: string }[] };
}

const BAD_CPU = { resources: { limits: { cpu: 'lots' } } };
const podWith = (container: object, spec: object = {}): object => ({
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'busybox', ...container }], ...spec },
});
/** A pod template whose container carries `container`'s fields. */
const templateWith = (container: object, restartPolicy = 'Always'): object => {
  const t = template();
  return { ...t, spec: { restartPolicy, containers: [{ ...t.spec.containers[0], ...container }] } };
};

describe('api: resource quantities', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  after(async () => h.stop());

  const post = async (url: string, payload: object) => {
    const res = await h.api.inject({ method: 'POST', url, payload });
    return { status: res.statusCode, body: res.json<Status>() };
  };
  /** The 400 for a body that does not decode, and nothing stored under `stored`. */
  const undecodable = async (url: string, payload: object, kind: string, stored: string): Promise<void> => {
    const res = await post(url, payload);
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body).to.include({ code: 400, reason: 'BadRequest' });
    expect(res.body.message).to.equal(
      `${kind} in version "v1" cannot be handled as a ${kind}: ${QUANTITY_FORMAT_ERROR}`,
    );
    expect((await h.api.inject({ method: 'GET', url: stored })).statusCode).to.equal(404);
  };
  /** The 422 with the one cause `field: message`, and no pod stored. */
  const invalid = async (payload: object, field: string, message: string): Promise<void> => {
    const res = await post(`${CORE}/pods`, payload);
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body).to.include({ reason: 'Invalid', message: `Pod "p" is invalid: ${field}: ${message}` });
    expect(res.body.details?.causes).to.deep.equal([{ reason: 'FieldValueInvalid', field, message }]);
    expect((await h.api.inject({ method: 'GET', url: `${CORE}/pods/p` })).statusCode).to.equal(404);
  };

  it('states the regular expression upstream states', () => {
    expect(QUANTITY_FORMAT_ERROR).to.equal(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });

  describe('one that does not parse is a 400 (the decoder refuses it)', () => {
    const pod = `${CORE}/pods/p`;
    it('a container limit or request, cpu or memory', async () => {
      await undecodable(`${CORE}/pods`, podWith(BAD_CPU), 'Pod', pod);
      await undecodable(`${CORE}/pods`, podWith({ resources: { requests: { memory: 'zz' } } }), 'Pod', pod);
      await undecodable(`${CORE}/pods`, podWith({ resources: { limits: { memory: '1Gb' } } }), 'Pod', pod);
    });
    it('an init container, an ephemeral container and an emptyDir sizeLimit', async () => {
      const init = podWith({}, { initContainers: [{ name: 'i', image: 'busybox', ...BAD_CPU }] });
      await undecodable(`${CORE}/pods`, init, 'Pod', pod);
      const ephemeral = podWith({}, { ephemeralContainers: [{ name: 'e', image: 'busybox', ...BAD_CPU }] });
      await undecodable(`${CORE}/pods`, ephemeral, 'Pod', pod);
      const volume = podWith({}, { volumes: [{ name: 'v', emptyDir: { sizeLimit: '1 Gi' } }] });
      await undecodable(`${CORE}/pods`, volume, 'Pod', pod);
    });
    it('a Deployment, ReplicaSet and DaemonSet template', async () => {
      const body = deploymentBody(1, { template: templateWith(BAD_CPU) });
      await undecodable(`${APPS}/deployments`, body, 'Deployment', `${APPS}/deployments/web`);
      const { apiVersion: _a, kind: _k, ...rest } = body as Record<string, unknown>;
      await undecodable(`${APPS}/replicasets`, rest, 'ReplicaSet', `${APPS}/replicasets/web`);
      await undecodable(`${APPS}/daemonsets`, rest, 'DaemonSet', `${APPS}/daemonsets/web`);
    });
    it('a Job and a CronJob template', async () => {
      const jobSpec = { template: templateWith(BAD_CPU, 'Never') };
      await undecodable(
        `${BATCH}/jobs`,
        { metadata: { name: 'j' }, spec: jobSpec },
        'Job',
        `${BATCH}/jobs/j`,
      );
      const cronJob = {
        metadata: { name: 'cj' },
        spec: { schedule: '* * * * *', jobTemplate: { spec: jobSpec } },
      };
      await undecodable(`${BATCH}/cronjobs`, cronJob, 'CronJob', `${BATCH}/cronjobs/cj`);
    });
    it('a suffix that names no unit is the suffix error', async () => {
      const res = await post(`${CORE}/pods`, podWith({ resources: { limits: { cpu: '1kk' } } }));
      expect(res.status).to.equal(400);
      expect(res.body.message).to.equal(
        `Pod in version "v1" cannot be handled as a Pod: unable to parse quantity's suffix`,
      );
    });
  });

  describe('valid forms are taken', () => {
    it('numbers, fractions, exponents, binary and decimal suffixes', async () => {
      const limits = { cpu: '1.5', memory: '1e9' };
      const requests = { cpu: 0.5, memory: '512Mi', 'ephemeral-storage': '+1G' };
      const res = await post(`${CORE}/pods`, podWith({ resources: { limits, requests } }, {}));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      await h.api.inject({ method: 'DELETE', url: `${CORE}/pods/p?gracePeriodSeconds=0` });
    });
  });

  describe('a 422 for what decodes but is not allowed', () => {
    it('a negative quantity', async () => {
      const cause = 'Invalid value: "-1": must be greater than or equal to 0';
      await invalid(
        podWith({ resources: { limits: { cpu: '-1' } } }),
        'spec.containers[0].resources.limits[cpu]',
        cause,
      );
      await invalid(
        podWith({ resources: { requests: { memory: -5 } } }),
        'spec.containers[0].resources.requests[memory]',
        'Invalid value: "-5": must be greater than or equal to 0',
      );
    });
    it('a request above its limit', async () => {
      const resources = { requests: { cpu: '2' }, limits: { cpu: '1' } };
      await invalid(
        podWith({ resources }),
        'spec.containers[0].resources.requests',
        'Invalid value: "2": must be less than or equal to cpu limit of 1',
      );
      const memory = { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } };
      await invalid(
        podWith({ resources: memory }),
        'spec.containers[0].resources.requests',
        'Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi',
      );
    });
    it('an extended resource whose request differs from its limit', async () => {
      const resources = { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '2' } };
      await invalid(
        podWith({ resources }),
        'spec.containers[0].resources.requests',
        'Invalid value: "1": must be equal to example.com/gpu limit of 2',
      );
    });
  });
});

// Checks upstream's validation makes that the agent lacked (audit B5): each object was accepted and stored.
// Now each is upstream's 422 with its cause, and nothing is stored.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { deploymentBody } from '../../helpers/workload-builders';

const CORE = '/api/v1/namespaces/default';

interface Cause {
  reason: string;
  field: string;
  message: string;
}
interface Status {
  code: number;
  reason: string;
  message: string;
  details?: { causes?: Cause[] };
}

const podWith = (container: object, spec: object = {}): object => ({
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'c', image: 'busybox', ...container }], ...spec },
});

describe('api: validation upstream makes that was missing (audit B5)', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  after(async () => h.stop());

  /** POST `payload` to `url`: a 422 `<title> is invalid: ...` with these causes, and `url/name` not stored. */
  const refused = async (url: string, payload: object, title: string, causes: Cause[]): Promise<void> => {
    const res = await h.api.inject({ method: 'POST', url, payload });
    const body = res.json<Status>();
    expect(res.statusCode, JSON.stringify(body)).to.equal(422);
    const texts = causes.map((c) => `${c.field}: ${c.message}`);
    const list = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
    expect(body).to.include({ code: 422, reason: 'Invalid', message: `${title} is invalid: ${list}` });
    expect(body.details?.causes).to.deep.equal(causes);
    const name = /"(.*)"/.exec(title)?.[1] ?? '';
    expect((await h.api.inject({ method: 'GET', url: `${url}/${name}` })).statusCode).to.equal(404);
  };
  const invalid = (field: string, message: string): Cause => ({
    reason: 'FieldValueInvalid',
    field,
    message,
  });
  const created = async (url: string, payload: object, name: string): Promise<void> => {
    const res = await h.api.inject({ method: 'POST', url, payload });
    expect(res.statusCode, res.body).to.equal(201);
    await h.api.inject({ method: 'DELETE', url: `${url}/${name}?gracePeriodSeconds=0` });
  };

  describe('container port names are IANA_SVC_NAMEs', () => {
    const field = 'spec.containers[0].ports[0].name';
    const named = (name: string): object => podWith({ ports: [{ containerPort: 80, name }] });
    it('an upper-case letter or underscore', async () => {
      const detail = 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)';
      await refused(`${CORE}/pods`, named('Bad_Port'), 'Pod "p"', [
        invalid(field, `Invalid value: "Bad_Port": ${detail}`),
      ]);
    });
    it('over 15 characters, no letter, hyphens at the ends or doubled: every problem', async () => {
      await refused(`${CORE}/pods`, named('a-very-long-port-name'), 'Pod "p"', [
        invalid(field, 'Invalid value: "a-very-long-port-name": must be no more than 15 characters'),
      ]);
      await refused(`${CORE}/pods`, named('8080'), 'Pod "p"', [
        invalid(field, 'Invalid value: "8080": must contain at least one letter (a-z)'),
      ]);
      await refused(`${CORE}/pods`, named('-a--b'), 'Pod "p"', [
        invalid(field, 'Invalid value: "-a--b": must not contain consecutive hyphens'),
        invalid(field, 'Invalid value: "-a--b": must not begin or end with a hyphen'),
      ]);
    });
    it('a name used twice in one container', async () => {
      const ports = [
        { containerPort: 80, name: 'http' },
        { containerPort: 81, name: 'http' },
      ];
      await refused(`${CORE}/pods`, podWith({ ports }), 'Pod "p"', [
        {
          reason: 'FieldValueDuplicate',
          field: 'spec.containers[0].ports[1].name',
          message: 'Duplicate value: "http"',
        },
      ]);
    });
    it('a valid name is taken', async () => {
      await created(`${CORE}/pods`, named('http-alt2'), 'p');
    });
  });

  describe("a pod's activeDeadlineSeconds is between 1 and MaxInt32", () => {
    const detail = 'must be between 1 and 2147483647, inclusive';
    for (const seconds of [0, -1, 2147483648])
      it(`${seconds}`, async () => {
        await refused(`${CORE}/pods`, podWith({}, { activeDeadlineSeconds: seconds }), 'Pod "p"', [
          invalid('spec.activeDeadlineSeconds', `Invalid value: ${seconds}: ${detail}`),
        ]);
      });
    it('1 is taken', async () => {
      await created(`${CORE}/pods`, podWith({}, { activeDeadlineSeconds: 1 }), 'p');
    });
  });

  describe("a workload's selector operator is one upstream knows", () => {
    const APPS = '/apis/apps/v1/namespaces/default';
    it('Bogus is a 422 for a Deployment, ReplicaSet and DaemonSet', async () => {
      const matchExpressions = [{ key: 'app', operator: 'Bogus' }];
      const selector = { matchLabels: { app: 'web' }, matchExpressions };
      const {
        apiVersion: _a,
        kind: _k,
        ...body
      } = deploymentBody(1, { selector }) as Record<string, unknown>;
      const causes = [
        invalid(
          'spec.selector.matchExpressions[0].operator',
          'Invalid value: "Bogus": not a valid selector operator',
        ),
        invalid('spec.selector', `Invalid value: ${JSON.stringify(selector)}: invalid label selector`),
      ];
      await refused(`${APPS}/deployments`, body, 'Deployment.apps "web"', causes);
      await refused(`${APPS}/replicasets`, body, 'ReplicaSet.apps "web"', causes);
      await refused(`${APPS}/daemonsets`, body, 'DaemonSet.apps "web"', causes);
    });
    it('In without values, Exists with values', async () => {
      const matchExpressions = [
        { key: 'app', operator: 'In', values: [] },
        { key: 'tier', operator: 'Exists', values: ['x'] },
      ];
      const selector = { matchLabels: { app: 'web' }, matchExpressions };
      await refused(`${APPS}/deployments`, deploymentBody(1, { selector }), 'Deployment.apps "web"', [
        {
          reason: 'FieldValueRequired',
          field: 'spec.selector.matchExpressions[0].values',
          message: "Required value: must be specified when `operator` is 'In' or 'NotIn'",
        },
        {
          reason: 'FieldValueForbidden',
          field: 'spec.selector.matchExpressions[1].values',
          message: "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        },
        invalid('spec.selector', `Invalid value: ${JSON.stringify(selector)}: invalid label selector`),
      ]);
    });
  });

  describe('a ClusterIP Service port has no nodePort', () => {
    it('nodePort 30000 is Forbidden', async () => {
      const svc = { metadata: { name: 's' }, spec: { ports: [{ port: 80, nodePort: 30000 }] } };
      await refused(`${CORE}/services`, svc, 'Service "s"', [
        {
          reason: 'FieldValueForbidden',
          field: 'spec.ports[0].nodePort',
          message: "Forbidden: may not be used when `type` is 'ClusterIP'",
        },
      ]);
    });
  });

  describe('ownerReferences name their owner fully', () => {
    it('a reference without uid is a 422 (the path has no index, as upstream)', async () => {
      const ownerReferences = [{ apiVersion: 'v1', kind: 'Pod', name: 'p1' }];
      const cm = { metadata: { name: 'cm', ownerReferences }, data: {} };
      await refused(`${CORE}/configmaps`, cm, 'ConfigMap "cm"', [
        invalid('metadata.ownerReferences.uid', 'Invalid value: "": uid must not be empty'),
      ]);
      const pod = { ...(podWith({}) as { spec: object }), metadata: { name: 'p', ownerReferences } };
      await refused(`${CORE}/pods`, pod, 'Pod "p"', [
        invalid('metadata.ownerReferences.uid', 'Invalid value: "": uid must not be empty'),
      ]);
    });
    it('two controllers', async () => {
      const ownerReferences = [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
      ];
      const detail =
        'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a and ReplicaSet/b';
      await refused(`${CORE}/configmaps`, { metadata: { name: 'cm', ownerReferences } }, 'ConfigMap "cm"', [
        invalid('metadata.ownerReferences', `Invalid value: ${JSON.stringify(ownerReferences)}: ${detail}`),
      ]);
    });
  });
});

// A body value of the wrong JSON type is refused as kube-apiserver's decoder refuses it: a 400 whose message
// is Go's json error (`json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
// int32`), the first such value in the body's order; validation's 422s are for values of the right type.
import { expect } from 'chai';
import { systemClock } from '../../../agent/clock';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { Harness } from '../../helpers/harness';
import { deploymentBody } from '../../helpers/workload-builders';

const CORE = '/api/v1/namespaces/default';
const APPS = '/apis/apps/v1/namespaces/default';

describe('api: a value of the wrong JSON type is the decoder 400, in Go words', () => {
  let h: Harness;
  before(async () => {
    h = await new Harness({ runtime: new MemoryRuntime(systemClock), clock: systemClock }).start();
  });
  after(async () => h.stop());

  const post = async (url: string, payload: object) => {
    const r = await h.api.inject({ method: 'POST', url: `${url}?dryRun=All`, payload });
    return { code: r.statusCode, ...r.json<{ reason: string; message: string }>() };
  };
  const pod = (spec: object, container: object = {}): object => ({
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'busybox', ...container }], ...spec },
  });
  const podError = (why: string) => ({
    code: 400,
    reason: 'BadRequest',
    message: `Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal ${why}`,
  });

  it('Deployment replicas "three", containers {}', async () => {
    expect(await post(`${APPS}/deployments`, deploymentBody(2, { replicas: 'three' }))).to.include({
      code: 400,
      reason: 'BadRequest',
      message:
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    });
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: {} } };
    expect((await post(`${APPS}/deployments`, deploymentBody(2, { template }))).message).to.equal(
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container',
    );
  });

  it('names the innermost struct, the JSON path without indexes, and the Go type', async () => {
    expect(await post(`${CORE}/pods`, pod({ priority: 'high' }))).to.include(
      podError('string into Go struct field PodSpec.spec.priority of type int32'),
    );
    expect(await post(`${CORE}/pods`, pod({ nodeSelector: { disk: 5 } }))).to.include(
      podError('number into Go struct field PodSpec.spec.nodeSelector of type string'),
    );
    expect(await post(`${CORE}/pods`, pod({}, { ports: [{ containerPort: 1.5 }] }))).to.include(
      podError(
        'number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
      ),
    );
    expect(await post(`${CORE}/pods`, pod({}, { stdin: 'yes' }))).to.include(
      podError('string into Go struct field Container.spec.containers.stdin of type bool'),
    );
    expect(await post(`${CORE}/pods`, pod({ hostAliases: 'h' }))).to.include(
      podError('string into Go struct field PodSpec.spec.hostAliases of type []v1.HostAlias'),
    );
    expect(await post(`${CORE}/pods`, pod({ securityContext: [] }))).to.include(
      podError('array into Go struct field PodSpec.spec.securityContext of type v1.PodSecurityContext'),
    );
  });

  it('reports the first wrong value in the body, as Go decodes in order', async () => {
    const body = { metadata: { name: 'p' }, spec: { hostname: 5, containers: 'x', priority: 'high' } };
    expect(await post(`${CORE}/pods`, body)).to.include(
      podError('number into Go struct field PodSpec.spec.hostname of type string'),
    );
  });

  it('keeps 422 for values of the right type that validation refuses', async () => {
    const r = await post(`${CORE}/pods`, pod({}, { ports: [{ containerPort: 0 }] }));
    expect(r).to.include({ code: 422, reason: 'Invalid' });
  });
});

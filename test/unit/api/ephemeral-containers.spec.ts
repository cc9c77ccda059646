// The ephemeralcontainers subresource on an agent with the memory runtime: the patch forms kubectl and
// clients send, upstream's validation and its refusals (422 with field causes), the container started once in
// the target's PID namespace, its status and events.
import { expect } from 'chai';
import { ManualClock } from '../../../agent/clock';
import type { Pod } from '../../../agent/model/pod';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { podStreams } from '../../../agent/sync/pod-streams';
import { Harness } from '../../helpers/harness';
import { settle } from '../../helpers/settle';

interface Invalid {
  message: string;
  details: { causes: { reason: string; field: string; message: string }[] };
}

const URL = '/api/v1/namespaces/default/pods/p/ephemeralcontainers';
const SMP = { 'content-type': 'application/strategic-merge-patch+json' };
const debugger_ = (name: string, extra: object = {}): object => ({
  name,
  image: 'busybox',
  stdin: true,
  tty: true,
  resources: {},
  ...extra,
});

describe('api/routes/pod-subresources: ephemeralcontainers (memory runtime)', () => {
  let rt: MemoryRuntime;
  let h: Harness;
  beforeEach(async () => {
    const clock = new ManualClock();
    rt = new MemoryRuntime(clock);
    rt.behaviour = (spec) => (spec.identity.kind === 'init' ? { exitCode: 0 } : 'run');
    h = await new Harness({ runtime: rt, clock }).start();
    await h.createPod({
      metadata: { name: 'p' },
      spec: {
        initContainers: [{ name: 'init', image: 'busybox' }],
        containers: [{ name: 'app', image: 'busybox' }],
      },
    });
    await settle(h, 'p');
  });
  afterEach(async () => h.stop());

  const patch = (payload: unknown, headers: Record<string, string> = SMP) =>
    h.api.inject({ method: 'PATCH', url: URL, headers, payload: JSON.stringify(payload) });
  const add = (c: object) => patch({ spec: { ephemeralContainers: [c] } });

  it("adds one with kubectl debug's strategic merge patch; it starts once, in the target PID namespace", async () => {
    const res = await add(debugger_('dbg', { targetContainerName: 'app' }));
    expect(res.statusCode, res.body).to.equal(200);
    const ec = res.json<Pod>().spec.ephemeralContainers?.[0];
    expect(ec).to.include({ name: 'dbg', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' });
    await settle(h, 'p');
    const started = rt.find('p', 'dbg');
    expect(started).to.include({ kind: 'ephemeral', state: 'running', attempt: 0 });
    expect(rt.containers.get(started!.id)?.spec?.pidContainer).to.equal(rt.find('p', 'app')!.id);
    const st = h.pod('p')?.status.ephemeralContainerStatuses;
    expect(st).to.have.length(1);
    expect(st?.[0]).to.include({ name: 'dbg', ready: false, restartCount: 0 });
    expect(st?.[0]?.state.running).to.not.equal(undefined);
    expect(st?.[0]).not.to.have.property('started');
    const reasons = h.events
      .list()
      .filter((e) => e.involvedObject.fieldPath === 'spec.ephemeralContainers{dbg}')
      .map((e) => e.reason);
    expect(reasons).to.include.members(['Pulled', 'Created', 'Started']);
    // never restarted after it exits
    await rt.stopContainer(started!.id, 0);
    await settle(h, 'p');
    expect(rt.containers.size).to.equal(4); // sandbox, init, app, the one ephemeral instance
    expect(h.pod('p')?.status.ephemeralContainerStatuses?.[0]?.state.terminated).to.not.equal(undefined);
  });

  it('accepts a merge patch and a JSON patch; GET serves the pod', async () => {
    expect(
      (
        await patch(
          { spec: { ephemeralContainers: [debugger_('a')] } },
          { 'content-type': 'application/merge-patch+json' },
        )
      ).statusCode,
    ).to.equal(200);
    const json = [{ op: 'add', path: '/spec/ephemeralContainers/-', value: debugger_('b') }];
    const res = await patch(json, { 'content-type': 'application/json-patch+json' });
    expect(res.statusCode, res.body).to.equal(200);
    const got = await h.api.inject({ method: 'GET', url: URL });
    expect(got.json<Pod>().spec.ephemeralContainers?.map((c) => c.name)).to.deep.equal(['a', 'b']);
  });

  it("refuses upstream's forbidden fields, a taken name and an unknown target, with field causes", async () => {
    const res = await add(
      debugger_('app', {
        targetContainerName: 'nope',
        ports: [{ containerPort: 80 }],
        resources: { limits: { cpu: '1' } },
        readinessProbe: { exec: { command: ['true'] } },
        lifecycle: { preStop: { exec: { command: ['true'] } } },
      }),
    );
    expect(res.statusCode).to.equal(422);
    const causes = res.json<Invalid>().details.causes.map((c) => `${c.field}: ${c.message}`);
    expect(causes).to.deep.equal([
      'spec.ephemeralContainers[0].name: Duplicate value: "app"',
      'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"',
      'spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container',
      'spec.ephemeralContainers[0].lifecycle: Forbidden: cannot be set for an Ephemeral Container',
    ]);
    expect(h.pod('p')?.spec.ephemeralContainers).to.equal(undefined);
  });

  it("refuses removing or changing one (PUT and patches) with upstream's wording", async () => {
    await add(debugger_('dbg'));
    const removed = await patch([{ op: 'remove', path: '/spec/ephemeralContainers/0' }], {
      'content-type': 'application/json-patch+json',
    });
    expect(removed.statusCode).to.equal(422);
    const body = removed.json<Invalid>();
    expect(body.message).to.equal(
      'Pod "p" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed\n',
    );
    expect(body.details.causes).to.deep.equal([
      {
        reason: 'FieldValueForbidden',
        field: 'spec.ephemeralContainers',
        message: 'Forbidden: existing ephemeral containers "dbg" may not be removed\n',
      },
    ]);
    const pod = (await h.api.inject({ method: 'GET', url: URL })).json<Pod>();
    pod.spec.ephemeralContainers![0]!.image = 'busybox:2';
    const put = await h.api.inject({ method: 'PUT', url: URL, payload: pod as object });
    expect(put.statusCode).to.equal(422);
    expect(put.json<Invalid>().message).to.contain(
      'existing ephemeral containers "dbg" may not be changed\n  image: "busybox" -> "busybox:2"',
    );
  });

  it('ignores the rest of the body, and a plain pod update cannot touch them', async () => {
    const res = await patch({
      metadata: { labels: { x: 'y' } },
      spec: { ephemeralContainers: [debugger_('d')], containers: [{ name: 'app', image: 'other' }] },
    });
    expect(res.statusCode, res.body).to.equal(200);
    expect(res.json<Pod>().metadata.labels).to.equal(undefined);
    expect(res.json<Pod>().spec.containers[0]?.image).to.equal('busybox');
    const plain = await h.api.inject({
      method: 'PATCH',
      url: '/api/v1/namespaces/default/pods/p',
      headers: { 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify([{ op: 'remove', path: '/spec/ephemeralContainers' }]),
    });
    expect(plain.statusCode).to.equal(422);
    expect(plain.json<Invalid>().message).to.contain('pod updates may not change fields other than');
  });

  it('refuses a pod created with ephemeral containers', async () => {
    const res = await h.api.inject({
      method: 'POST',
      url: '/api/v1/namespaces/default/pods',
      payload: {
        metadata: { name: 'q' },
        spec: {
          containers: [{ name: 'a', image: 'busybox' }],
          ephemeralContainers: [{ name: 'e', image: 'busybox' }],
        },
      },
    });
    expect(res.statusCode).to.equal(422);
    expect(res.json<Invalid>().message).to.equal(
      'Pod "q" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create',
    );
  });

  it('exec and logs reach an ephemeral container; the default container stays the first app container', async () => {
    await add(debugger_('dbg'));
    await settle(h, 'p');
    const streams = podStreams(rt);
    expect((await streams.target(h.pod('p')!, 'dbg')).name).to.equal('dbg');
    expect((await streams.target(h.pod('p')!, '')).name).to.equal('app');
  });
});

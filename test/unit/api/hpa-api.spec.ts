// HorizontalPodAutoscalers through the API on the in-process agent (memory runtime, the real wiring), with the
// pods' usage injected where the HPA controller reads it and a clock that can jump: a Deployment scales up
// when its cpu is above target and down only after the 300 s stabilization window; autoscaling/v1 is the same
// object converted; validation, table columns, discovery, a target with no cpu request, one not found.
import { expect } from 'chai';
import { type Clock, systemClock } from '../../../agent/clock';
import type { HorizontalPodAutoscaler } from '../../../agent/model/hpa';
import { MemoryRuntime } from '../../../agent/runtime/memory-runtime';
import { FakeUsage } from '../../helpers/fake-usage';
import { Harness } from '../../helpers/harness';

const APPS = '/apis/apps/v1/namespaces/default';
const V2 = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';
const V1 = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';

/** The system clock moved forward on demand (the memory runtime keeps real time; the HPA's windows jump). */
class ShiftedClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  setTimer(fn: () => void, ms: number): () => void {
    return systemClock.setTimer(fn, ms);
  }
}

const deployment = (requests: Record<string, string> | null = { cpu: '100m' }): object => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'app', image: 'busybox', ...(requests ? { resources: { requests } } : {}) }],
      },
    },
  },
});

const hpa = (spec: object = {}): object => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 3,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
      },
    ],
    ...spec,
  },
});

describe('api: HorizontalPodAutoscalers (memory runtime)', () => {
  let h: Harness;
  let clock: ShiftedClock;
  let usage: FakeUsage;
  beforeEach(async () => {
    clock = new ShiftedClock();
    usage = new FakeUsage(() => h.pods.list('default'), clock);
    // the controller's period is driven by hand (syncAll) so each pass is one step of the test
    h = await new Harness({
      runtime: new MemoryRuntime(systemClock),
      clock,
      hpaUsage: usage,
      hpaSyncPeriodMs: 3_600_000,
    }).start();
  });
  afterEach(async () => h.stop());

  const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, accept?: string) =>
    h.api.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      ...(accept ? { headers: { accept } } : {}),
    });
  const stored = (): HorizontalPodAutoscaler => h.agent.autoscaling.hpas.get('default', 'web')!;
  const replicas = (): number => h.agent.deployments.get('default', 'web')!.spec.replicas;
  const readyPods = (n: number) =>
    h.waitFor(`${n} ready pods`, () => {
      const ready = h.pods
        .list('default')
        .filter(
          (p) =>
            !p.metadata.deletionTimestamp &&
            p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
      return ready.length === n;
    });
  const sync = (): void => h.agent.autoscaling.controller.syncAll();
  const events = (reason: string) =>
    h.events.list().filter((e) => e.involvedObject.kind === 'HorizontalPodAutoscaler' && e.reason === reason);
  const condition = (type: string) => stored().status.conditions?.find((c) => c.type === type);

  it('scales a Deployment up when cpu is above target, and down only after the stabilization window', async () => {
    expect((await req('POST', APPS + '/deployments', deployment())).statusCode).to.equal(201);
    await readyPods(1);
    expect((await req('POST', V2, hpa())).statusCode).to.equal(201);
    clock.offset += 11_000; // one metrics window after the pod became ready
    usage.cpuMilli = 150; // 150% of the 100m request, target 50%: 3 replicas
    sync();
    expect(replicas()).to.equal(3);
    const s = stored().status;
    expect(s.currentReplicas).to.equal(1);
    expect(s.desiredReplicas).to.equal(3);
    expect(s.lastScaleTime).to.be.a('string');
    expect(s.currentMetrics?.[0]?.resource?.current).to.deep.equal({
      averageUtilization: 150,
      averageValue: '150m',
    });
    expect(condition('AbleToScale')).to.include({ status: 'True', reason: 'SucceededRescale' });
    expect(condition('ScalingActive')).to.include({ status: 'True', reason: 'ValidMetricFound' });
    const up = events('SuccessfulRescale');
    expect(up.map((e) => e.message)).to.deep.equal([
      'New size: 3; reason: cpu resource utilization (percentage of request) above target',
    ]);
    expect(up[0]?.source?.component).to.equal('horizontal-pod-autoscaler');

    await readyPods(3);
    clock.offset += 11_000;
    usage.cpuMilli = 10; // 10%: one pod would do, but the window holds the recent recommendation of 3
    sync();
    expect(replicas()).to.equal(3);
    expect(condition('AbleToScale')).to.include({ status: 'True', reason: 'ScaleDownStabilized' });
    const table = (await req('GET', V2, undefined, 'application/json;as=Table;v=v1;g=meta.k8s.io')).json<{
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    }>();
    expect(table.columnDefinitions.map((c) => c.name)).to.deep.equal([
      'Name',
      'Reference',
      'Targets',
      'MinPods',
      'MaxPods',
      'Replicas',
      'Age',
    ]);
    expect(table.rows[0]?.cells.slice(0, 6)).to.deep.equal([
      'web',
      'Deployment/web',
      'cpu: 10%/50%',
      '1',
      3,
      3,
    ]);

    clock.offset += 301_000; // past the 300 s window
    sync();
    expect(replicas()).to.equal(1);
    expect(events('SuccessfulRescale').map((e) => e.message)).to.include(
      'New size: 1; reason: All metrics below target',
    );
  });

  it('answers a target without cpu requests with ScalingActive False (FailedGetResourceMetric)', async () => {
    await req('POST', APPS + '/deployments', deployment(null));
    await readyPods(1);
    await req('POST', V2, hpa());
    clock.offset += 11_000;
    usage.cpuMilli = 150;
    sync();
    expect(replicas()).to.equal(1);
    const pod = h.pods.list('default')[0]!.metadata.name;
    expect(condition('ScalingActive')).to.include({
      status: 'False',
      reason: 'FailedGetResourceMetric',
      message: `the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod ${pod}`,
    });
    expect(events('FailedComputeMetricsReplicas').map((e) => e.message)).to.deep.equal([
      `invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: missing request for cpu in container app of Pod ${pod}`,
    ]);
  });

  it('reports a missing target as FailedGetScale', async () => {
    await req('POST', V2, hpa());
    sync();
    expect(condition('AbleToScale')).to.include({
      status: 'False',
      reason: 'FailedGetScale',
      message: `the HPA controller was unable to get the target's current scale: deployments.apps "web" not found`,
    });
    expect(events('FailedGetScale').map((e) => e.message)).to.deep.equal([
      'deployments.apps "web" not found',
    ]);
  });

  it('serves autoscaling/v1 as the v2 object converted (targetCPUUtilizationPercentage <-> a cpu Utilization metric)', async () => {
    const created = await req('POST', V1, {
      apiVersion: 'autoscaling/v1',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        maxReplicas: 4,
        targetCPUUtilizationPercentage: 60,
      },
    });
    expect(created.statusCode, created.body).to.equal(201);
    expect(created.json()).to.deep.include({ apiVersion: 'autoscaling/v1' });
    expect(created.json().spec).to.deep.equal({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 4,
      targetCPUUtilizationPercentage: 60,
    });
    const v2 = (await req('GET', `${V2}/web`)).json<HorizontalPodAutoscaler>();
    expect(v2.apiVersion).to.equal('autoscaling/v2');
    expect(v2.spec.metrics).to.deep.equal([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } },
      },
    ]);
    const list = (await req('GET', V1)).json<{ kind: string; items: { spec: object }[] }>();
    expect(list.kind).to.equal('HorizontalPodAutoscalerList');
    expect(list.items[0]?.spec).to.include({ targetCPUUtilizationPercentage: 60 });
  });

  it('defaults as upstream: minReplicas 1 and cpu at 80% when no metric is named', async () => {
    const res = await req('POST', V2, hpa({ minReplicas: undefined, metrics: undefined }));
    expect(res.statusCode).to.equal(201);
    expect(res.json().spec).to.deep.include({
      minReplicas: 1,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    });
  });

  it('refuses bad bounds and a missing target as upstream words them', async () => {
    const res = await req(
      'POST',
      V2,
      hpa({ minReplicas: 0, maxReplicas: 0, scaleTargetRef: { kind: 'Deployment' } }),
    );
    expect(res.statusCode).to.equal(422);
    expect(res.json().message).to.equal(
      'HorizontalPodAutoscaler.autoscaling "web" is invalid: [spec.minReplicas: Invalid value: 0: must be greater than or equal to 1, ' +
        'spec.maxReplicas: Invalid value: 0: must be greater than 0, ' +
        'spec.scaleTargetRef.name: Required value]',
    );
    const inverted = await req('POST', V2, hpa({ minReplicas: 5, maxReplicas: 2 }));
    expect(inverted.json().message).to.equal(
      'HorizontalPodAutoscaler.autoscaling "web" is invalid: spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    );
  });

  it('is in discovery: autoscaling v2 preferred, v1 too, short name hpa, the status subresource', async () => {
    const group = (await req('GET', '/apis/autoscaling')).json<{
      versions: { version: string }[];
      preferredVersion: { version: string };
    }>();
    expect(group.versions.map((v) => v.version)).to.deep.equal(['v2', 'v1']);
    expect(group.preferredVersion.version).to.equal('v2');
    const v2 = (await req('GET', '/apis/autoscaling/v2')).json<{
      resources: { name: string; shortNames?: string[] }[];
    }>();
    expect(v2.resources.map((r) => r.name)).to.deep.equal([
      'horizontalpodautoscalers',
      'horizontalpodautoscalers/status',
    ]);
    expect(v2.resources[0]?.shortNames).to.deep.equal(['hpa']);
    const groups = (await req('GET', '/apis')).json<{ groups: { name: string }[] }>();
    expect(groups.groups.filter((g) => g.name === 'autoscaling')).to.have.length(1);
  });
});

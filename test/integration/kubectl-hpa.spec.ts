// The real kubectl 1.35 with HorizontalPodAutoscalers on the memory runtime, the pods' cpu injected where
// the HPA controller reads it and its period shortened: `kubectl autoscale` (with --cpu-percent, and without:
// the server's 80% default), the Deployment scaled up to the max, `get hpa` columns and `describe hpa`
// conditions and events as upstream prints them, the autoscaling/v1 view of the same object.
import { expect } from 'chai';
import { systemClock } from '../../agent/clock';
import { FakeUsage } from '../helpers/fake-usage';
import { kubectlOf, memoryAgentForKubectl, workloadManifest } from '../helpers/kubectl';

const manifest = (name: string): string =>
  `${workloadManifest('Deployment', name, '  replicas: 1\n').replace('busybox:1.0', 'busybox:latest')}        resources: {requests: {cpu: 100m}}\n`;

describe('kubectl 1.35: HorizontalPodAutoscalers (memory runtime)', function () {
  this.timeout(120_000);
  const usage = new FakeUsage(() => agent.h.pods.list('default'), systemClock, 0);
  const agent = memoryAgentForKubectl({ hpaUsage: usage, hpaSyncPeriodMs: 300 });
  const { kubectl, ok } = kubectlOf('35', () => agent);

  const until = async (what: string, args: string[], done: (out: string) => boolean): Promise<string> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const out = await ok(args);
      if (done(out)) return out;
      expect(Date.now(), `${what}: ${out}`).to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it('autoscale --cpu-percent scales a busy Deployment to --max; get hpa and describe hpa show it', async () => {
    await ok(['apply', '-f', '-'], manifest('web'));
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    usage.cpuMilli = 150; // 150% of the request
    expect(await ok(['autoscale', 'deployment', 'web', '--cpu-percent=50', '--min=1', '--max=3'])).to.contain(
      'horizontalpodautoscaler.autoscaling/web autoscaled',
    );
    await until(
      '3 replicas',
      ['get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'],
      (o) => o === '3',
    );
    const table = await until('the hpa row', ['get', 'hpa'], (o) => /^web\s.*\s3\s+\S+$/m.test(o));
    expect(table).to.match(/^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m);
    expect(table).to.match(/^web\s+Deployment\/web\s+cpu: 150%\/50%\s+1\s+3\s+3\s+\S+$/m);

    const described = await ok(['describe', 'hpa', 'web']);
    expect(described).to.match(/Reference:\s+Deployment\/web/);
    expect(described).to.match(
      /resource cpu on pods\s+\(as a percentage of request\):\s+150% \(150m\) \/ 50%/,
    );
    expect(described).to.match(/Min replicas:\s+1/);
    expect(described).to.match(/Max replicas:\s+3/);
    expect(described).to.match(/AbleToScale\s+True\s+\w+/);
    expect(described).to.match(
      /ScalingActive\s+True\s+ValidMetricFound\s+the HPA was able to successfully calculate a replica count from cpu resource utilization \(percentage of request\)/,
    );
    expect(described).to.match(
      /ScalingLimited\s+True\s+TooManyReplicas\s+the desired replica count is more than the maximum replica count/,
    );
    expect(described).to.match(
      /Normal\s+SuccessfulRescale\s+\S+\s+horizontal-pod-autoscaler\s+New size: 3; reason: cpu resource utilization \(percentage of request\) above target/,
    );

    // the same object as autoscaling/v1
    expect(
      await ok([
        'get',
        'horizontalpodautoscalers.v1.autoscaling',
        'web',
        '-o',
        'jsonpath={.apiVersion} {.spec.targetCPUUtilizationPercentage}',
      ]),
    ).to.equal('autoscaling/v1 50');
  });

  it('autoscale without --cpu-percent: an autoscaling/v2 HPA at the server default of 80% cpu; --cpu=70%', async () => {
    await ok(['apply', '-f', '-'], manifest('idle'));
    const r = await kubectl(['autoscale', 'deployment', 'idle', '--min=1', '--max=2']);
    expect(r.code, r.stderr).to.equal(0);
    expect(
      await ok([
        'get',
        'hpa',
        'idle',
        '-o',
        'jsonpath={.apiVersion} {.spec.metrics[0].resource.target.averageUtilization}',
      ]),
    ).to.equal('autoscaling/v2 80');
    // kubectl 1.35's --cpu (what --cpu-percent's deprecation points to)
    await ok(['autoscale', 'deployment', 'idle', '--name=idle-cpu', '--cpu=70%', '--min=1', '--max=2']);
    expect(
      await ok([
        'get',
        'hpa',
        'idle-cpu',
        '-o',
        'jsonpath={.spec.metrics[0].resource.target.averageUtilization}',
      ]),
    ).to.equal('70');
  });
});

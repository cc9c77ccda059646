// Jobs through the real kubectl 1.35 and 1.29 on the memory runtime (no container starts): a Job whose
// podFailurePolicy fails it on an exit code (kubectl wait --for=condition=failed, reason PodFailurePolicy),
// and `kubectl delete job --cascade=orphan|foreground` leaving or deleting its pods as for Deployments.
import { expect } from 'chai';
import { systemClock } from '../../agent/clock';
import { MemoryRuntime } from '../../agent/runtime/memory-runtime';
import { Harness } from '../helpers/harness';
import { kubectlOf, serveWithKubeconfig } from '../helpers/kubectl';

const job = (name: string, command: string, extra = ''): string => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
  parallelism: 2
  completions: 2
  backoffLimit: 6
${extra}  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "${command}"]
`;

const failOn42 = `  podFailurePolicy:
    rules:
    - action: FailJob
      onExitCodes:
        containerName: main
        operator: In
        values: [42]
    - action: Ignore
      onPodConditions:
      - type: DisruptionTarget
`;

describe('kubectl: Job podFailurePolicy and delete --cascade (memory runtime)', function () {
  this.timeout(120_000);
  let h: Harness;
  let kubeconfig: string;

  before(async () => {
    const runtime = new MemoryRuntime(systemClock);
    // `exit N` in the command: the container ends with N at once; anything else runs.
    runtime.behaviour = (spec) => {
      const m = /exit (\d+)/.exec((spec.command ?? []).join(' '));
      return m ? { exitCode: Number(m[1]) } : 'run';
    };
    h = await new Harness({ runtime, clock: systemClock }).start();
    kubeconfig = await serveWithKubeconfig(h);
  });
  after(async () => h?.stop());

  for (const minor of ['35', '29']) {
    describe(`kubectl 1.${minor}`, () => {
      const { kubectl, ok } = kubectlOf(minor, () => ({ h, kubeconfig }));
      const podsOf = (name: string) =>
        h.pods.list('default').filter((p) => p.metadata.labels?.['job-name'] === name);

      it('a podFailurePolicy FailJob rule on exit code 42 fails the Job (reason PodFailurePolicy)', async () => {
        const name = `pfp-${minor}`;
        expect(await ok(['apply', '-f', '-'], job(name, 'exit 42', failOn42))).to.equal(
          `job.batch/${name} created\n`,
        );
        expect(await ok(['wait', '--for=condition=failed', `job/${name}`, '--timeout=30s'])).to.equal(
          `job.batch/${name} condition met\n`,
        );
        const failed = await ok([
          'get',
          'job',
          name,
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Failed")].reason}|{.status.conditions[?(@.type=="Failed")].message}',
        ]);
        expect(failed).to.match(
          new RegExp(
            `^PodFailurePolicy\\|Container main for pod default/${name}-[a-z0-9]{5} failed with exit code 42 matching FailJob rule at index 0$`,
          ),
        );
        expect(await ok(['get', 'job', name, '--no-headers'])).to.match(new RegExp(`^${name}\\s+Failed\\s`));
      });

      it('refuses a podFailurePolicy with restartPolicy OnFailure, in upstream words', async () => {
        const r = await kubectl(
          ['apply', '-f', '-'],
          job(`bad-${minor}`, 'exit 42', failOn42).replace('Never', 'OnFailure'),
        );
        expect(r.code).to.not.equal(0);
        expect(r.stderr).to.contain(
          `The Job "bad-${minor}" is invalid: spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified`,
        );
      });

      it('delete job --cascade=orphan leaves its pods, without the owner reference', async () => {
        const name = `orphan-${minor}`;
        await ok(['apply', '-f', '-'], job(name, 'sleep 3600'));
        await h.waitFor('2 pods', () => podsOf(name).length === 2);
        expect(await ok(['delete', 'job', name, '--cascade=orphan'])).to.match(
          new RegExp(`^job\\.batch "${name}" deleted`),
        );
        await h.waitFor('the Job gone', () => !h.agent.batch.jobs.get('default', name));
        const pods = podsOf(name);
        expect(pods).to.have.length(2);
        for (const p of pods) {
          expect(p.metadata.deletionTimestamp).to.equal(undefined);
          expect(p.metadata['ownerReferences']).to.equal(undefined);
        }
        await ok(['delete', 'pods', '-l', `job-name=${name}`, '--wait=false']);
      });

      it('delete job --cascade=foreground removes the pods first, the Job after', async () => {
        const name = `fg-${minor}`;
        await ok(['apply', '-f', '-'], job(name, 'sleep 3600'));
        await h.waitFor('2 pods', () => podsOf(name).length === 2);
        const seen: string[] = [];
        const stop = h.agent.batch.jobs.onChange(({ object }) => {
          if (object.metadata.name === name && object.metadata.deletionTimestamp !== undefined)
            seen.push(JSON.stringify(object.metadata['finalizers']));
        });
        try {
          expect(await ok(['delete', 'job', name, '--cascade=foreground'])).to.match(
            new RegExp(`^job\\.batch "${name}" deleted`),
          );
        } finally {
          stop();
        }
        expect(seen[0]).to.equal('["foregroundDeletion"]');
        expect(h.agent.batch.jobs.get('default', name)).to.equal(undefined);
        expect(podsOf(name).filter((p) => p.metadata.deletionTimestamp === undefined)).to.deep.equal([]);
      });
    });
  }
});

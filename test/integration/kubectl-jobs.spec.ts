// Jobs and CronJobs through the real kubectl 1.35 and 1.29 (scripts/install-kubectl.sh) on the real engine:
// apply -f, wait --for=condition=complete, logs job/x, the get columns, create job --from=cronjob.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { nopLogger } from '../../agent/log';
import { DockerRuntime } from '../../agent/runtime/docker-runtime';
import { Harness } from '../helpers/harness';
import { type Run, installKubectl, serveWithKubeconfig } from '../helpers/kubectl';

const jobYaml = (name: string): string => `apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: hello
        image: busybox
        command: ["sh", "-c", "echo hello from ${name}"]
`;

const cronJobYaml = (name: string): string => `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${name}
spec:
  schedule: "0 3 * * *"
  timeZone: Europe/Berlin
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: tick
            image: busybox
            command: ["sh", "-c", "echo tick"]
`;

describe('kubectl: Jobs and CronJobs (real engine)', function () {
  this.timeout(180_000);
  let h: Harness;
  let kubeconfig: string;

  before(async () => {
    h = await new Harness({
      runtime: new DockerRuntime({ logger: nopLogger }),
      backoffInitialMs: 500,
    }).start();
    kubeconfig = await serveWithKubeconfig(h);
  });
  after(async () => h?.stop());

  for (const minor of ['35', '29']) {
    describe(`kubectl 1.${minor}`, () => {
      let bin: string;
      const cacheDir = (): string => join(h.dataDir, `kube-cache-${minor}`);
      before(() => {
        bin = installKubectl(minor);
      });

      /** Runs kubectl without blocking the event loop: the agent answering it lives in this process. */
      const kubectl = (args: string[], input?: string): Promise<Run> =>
        new Promise((done) => {
          const child = execFile(
            bin,
            ['--cache-dir', cacheDir(), ...args],
            { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 120_000 },
            (err, stdout, stderr) =>
              done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          );
          if (input !== undefined) child.stdin?.end(input);
        });
      const ok = async (args: string[], input?: string): Promise<string> => {
        const r = await kubectl(args, input);
        expect(r.code, `kubectl ${args.join(' ')}: ${r.stderr}`).to.equal(0);
        return r.stdout;
      };
      const file = (name: string, text: string): string => {
        const path = join(h.dataDir, name);
        writeFileSync(path, text);
        return path;
      };

      it('apply -f a Job, wait --for=condition=complete, logs job/x, get job columns', async () => {
        const name = `hello-${minor}`;
        expect(await ok(['apply', '-f', file(`${name}.yaml`, jobYaml(name))])).to.equal(
          `job.batch/${name} created\n`,
        );
        expect(await ok(['wait', '--for=condition=complete', `job/${name}`, '--timeout=90s'])).to.equal(
          `job.batch/${name} condition met\n`,
        );
        expect(await ok(['logs', `job/${name}`])).to.equal(`hello from ${name}\n`);
        const table = await ok(['get', 'job', name]);
        expect(table).to.match(/^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE\n/);
        expect(table).to.match(new RegExp(`^${name}\\s+Complete\\s+1/1\\s+\\d+s\\s+\\d+s\\n`, 'm'));
        const wide = await ok(['get', 'job', name, '-o', 'wide']);
        expect(wide).to.match(/CONTAINERS\s+IMAGES\s+SELECTOR/);
        expect(wide).to.match(/hello\s+busybox\s+batch\.kubernetes\.io\/controller-uid=/);
        const pods = await ok(['get', 'pods', '-l', `job-name=${name}`, '--no-headers']);
        expect(pods).to.match(new RegExp(`^${name}-[a-z0-9]{5}\\s+0/1\\s+Completed\\s+0\\s`, 'm'));
        // 1.35 adds `from default namespace`
        expect(await ok(['delete', 'job', name])).to.match(new RegExp(`^job\\.batch "${name}" deleted`));
      });

      it('refuses a Job whose template restarts Always, with upstream words', async () => {
        const r = await kubectl(['apply', '-f', '-'], jobYaml(`bad-${minor}`).replace('Never', 'Always'));
        expect(r.code).to.not.equal(0);
        expect(r.stderr).to.contain(
          `The Job "bad-${minor}" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"`,
        );
      });

      it('apply -f a CronJob, get cronjob columns, create job --from=cronjob', async () => {
        const name = `tick-${minor}`;
        expect(await ok(['apply', '-f', file(`${name}.yaml`, cronJobYaml(name))])).to.equal(
          `cronjob.batch/${name} created\n`,
        );
        const table = await ok(['get', 'cronjob', name]);
        expect(table).to.match(/^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE\n/);
        expect(table).to.match(
          new RegExp(`^${name}\\s+0 3 \\* \\* \\*\\s+Europe/Berlin\\s+False\\s+0\\s+<none>\\s+\\d+s\\n`, 'm'),
        );
        // kubectl create sends protobuf for built-in kinds; the JSON form of the same Job goes through create -f.
        const manual = `${name}-manual`;
        const body = await ok([
          'create',
          'job',
          manual,
          `--from=cronjob/${name}`,
          '--dry-run=client',
          '-o',
          'json',
        ]);
        expect(await ok(['create', '-f', '-'], body)).to.equal(`job.batch/${manual} created\n`);
        expect(await ok(['wait', '--for=condition=complete', `job/${manual}`, '--timeout=90s'])).to.equal(
          `job.batch/${manual} condition met\n`,
        );
        const job = JSON.parse(await ok(['get', 'job', manual, '-o', 'json'])) as {
          metadata: {
            annotations: Record<string, string>;
            ownerReferences: { kind: string; name: string }[];
          };
        };
        expect(job.metadata.annotations).to.include({ 'cronjob.kubernetes.io/instantiate': 'manual' });
        expect(job.metadata.ownerReferences[0]).to.include({ kind: 'CronJob', name });
        await ok(['delete', 'cronjob', name]);
      });
    });
  }
});

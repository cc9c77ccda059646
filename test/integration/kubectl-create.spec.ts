// `kubectl create <kind>` with the real kubectl 1.35 (protobuf bodies) and 1.29 (JSON bodies) against the
// agent's API (namespaces, services, ServiceAccounts, ConfigMaps, Secrets, Deployments, CronJobs, Jobs; a DaemonSet applied; a Deployment mounting a ConfigMap and a Secret, edited with kubectl
// edit), and
// the version both see; a kind not served, whose validation falls back to /openapi/v2. No container is started: the memory runtime is enough.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ManualClock } from '../../agent/clock';
import { MemoryRuntime } from '../../agent/runtime/memory-runtime';
import { apiUrl, writeKubeconfig } from '../../daemon/kubeconfig';
import { Harness } from '../helpers/harness';
import { type Run, installKubectl } from '../helpers/kubectl';

describe('kubectl create with kubectl 1.35 (protobuf) and 1.29 (JSON)', function () {
  this.timeout(60_000);
  let h: Harness;
  let kubeconfig: string;
  const bins: Record<string, string> = {};

  before(async () => {
    bins['1.35'] = installKubectl('35');
    bins['1.29'] = installKubectl('29');
    h = await new Harness({ runtime: new MemoryRuntime(new ManualClock()) }).start();
    await h.api.listen({ host: '127.0.0.1', port: 0 });
    kubeconfig = join(h.dataDir, 'kubeconfig');
    writeKubeconfig(kubeconfig, apiUrl('127.0.0.1', (h.api.server.address() as AddressInfo).port));
  });
  after(async () => h?.stop());

  /** Runs kubectl without blocking the event loop: the agent answering it lives in this process. */
  const kubectl = (version: string, args: string[]): Promise<Run> =>
    new Promise((done) => {
      const cache = join(h.dataDir, `kube-cache-${version}`);
      execFile(
        bins[version] as string,
        ['--cache-dir', cache, ...args],
        { env: { ...process.env, KUBECONFIG: kubeconfig }, timeout: 30_000 },
        (err, stdout, stderr) =>
          done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const ok = async (version: string, args: string[]): Promise<string> => {
    const r = await kubectl(version, args);
    expect(r.code, `kubectl ${version} ${args.join(' ')}: ${r.stderr}`).to.equal(0);
    return r.stdout;
  };

  for (const [version, suffix] of [
    ['1.35', 'a'],
    ['1.29', 'b'],
  ] as const) {
    describe(`kubectl ${version}`, () => {
      it('sees a server version inside 1.29..1.35', async () => {
        const r = await kubectl(version, ['version']);
        expect(r.code, r.stderr).to.equal(0);
        const minor = Number(/Server Version: v1\.(\d+)\./.exec(r.stdout)?.[1]);
        expect(minor).to.be.within(29, 35);
        // 1.35 is within the supported skew of one minor; 1.29 only warns in `kubectl version`.
        if (version === '1.35') expect(r.stderr).to.not.match(/WARNING/);
      });

      it('creates a namespace and a ClusterIP service', async () => {
        expect(await ok(version, ['create', 'namespace', `ns-${suffix}`])).to.contain(
          `namespace/ns-${suffix} created`,
        );
        expect(
          await ok(version, ['get', 'namespace', `ns-${suffix}`, '-o', 'jsonpath={.status.phase}']),
        ).to.equal('Active');
        const out = await ok(version, ['create', 'service', 'clusterip', `x-${suffix}`, '--tcp=80:8080']);
        expect(out).to.contain(`service/x-${suffix} created`);
        const svc = JSON.parse(await ok(version, ['get', 'service', `x-${suffix}`, '-o', 'json'])) as {
          spec: { clusterIP: string; ports: { port: number; targetPort: number }[]; selector: object };
        };
        expect(svc.spec.ports).to.deep.equal([
          { name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 },
        ]);
        expect(svc.spec.selector).to.deep.equal({ app: `x-${suffix}` });
        expect(svc.spec.clusterIP).to.match(/^\d+\.\d+\.\d+\.\d+$/);
      });

      it('creates, gets and describes a ServiceAccount beside the default one', async () => {
        expect(await ok(version, ['create', 'serviceaccount', `robot-${suffix}`])).to.contain(
          `serviceaccount/robot-${suffix} created`,
        );
        const table = await ok(version, ['get', 'sa']);
        expect(table).to.match(/^NAME\s+SECRETS\s+AGE$/m);
        expect(table).to.match(/^default\s+0\s+\S+$/m);
        expect(table).to.match(new RegExp(`^robot-${suffix}\\s+0\\s+\\S+$`, 'm'));
        expect(await ok(version, ['get', 'sa', '-n', `ns-${suffix}`, '-o', 'name'])).to.equal(
          'serviceaccount/default\n',
        );
        const described = await ok(version, ['describe', 'sa', `robot-${suffix}`]);
        expect(described).to.match(new RegExp(`^Name:\\s+robot-${suffix}$`, 'm'));
        expect(described).to.match(/^Namespace:\s+default$/m);
      });

      it('creates ConfigMaps from literals, a file and an env file', async () => {
        const file = join(h.dataDir, `app-${suffix}.conf`);
        const envFile = join(h.dataDir, `app-${suffix}.env`);
        writeFileSync(file, 'port = 8080\n');
        writeFileSync(envFile, '# comment\nMODE=fast\nLEVEL=3\n');
        const name = `cm-${suffix}`;
        expect(
          await ok(version, ['create', 'configmap', name, '--from-literal=a=b', `--from-file=${file}`]),
        ).to.contain(`configmap/${name} created`);
        expect(
          await ok(version, ['create', 'configmap', `${name}-env`, `--from-env-file=${envFile}`]),
        ).to.contain('created');
        const cm = JSON.parse(await ok(version, ['get', 'configmap', name, '-o', 'json'])) as {
          data: Record<string, string>;
        };
        expect(cm.data).to.deep.equal({ a: 'b', [`app-${suffix}.conf`]: 'port = 8080\n' });
        const env = JSON.parse(await ok(version, ['get', 'cm', `${name}-env`, '-o', 'json'])) as {
          data: Record<string, string>;
        };
        expect(env.data).to.deep.equal({ MODE: 'fast', LEVEL: '3' });
        expect(await ok(version, ['get', 'cm', name])).to.match(new RegExp(`^${name}\\s+2\\s+\\S+$`, 'm'));
      });

      it('creates generic and docker-registry Secrets; describe shows sizes, never values', async () => {
        const name = `s-${suffix}`;
        const value = `v4lue-${suffix}-never-shown`;
        expect(
          await ok(version, ['create', 'secret', 'generic', name, `--from-literal=password=${value}`]),
        ).to.contain(`secret/${name} created`);
        const secret = JSON.parse(await ok(version, ['get', 'secret', name, '-o', 'json'])) as {
          type: string;
          data: Record<string, string>;
        };
        expect(secret.type).to.equal('Opaque');
        expect(Buffer.from(secret.data['password'] ?? '', 'base64').toString()).to.equal(value);
        const described = await ok(version, ['describe', 'secret', name]);
        expect(described).to.match(new RegExp(`password:\\s+${value.length} bytes`));
        expect(described).to.not.contain(value);
        const reg = `reg-${suffix}`;
        await ok(version, [
          'create',
          'secret',
          'docker-registry',
          reg,
          '--docker-server=127.0.0.1:5000',
          '--docker-username=u',
          '--docker-password=p',
        ]);
        const table = await ok(version, ['get', 'secret', reg]);
        expect(table).to.match(new RegExp(`^${reg}\\s+kubernetes.io/dockerconfigjson\\s+1\\s+\\S+$`, 'm'));
      });

      it('creates a Deployment, a CronJob and a Job from it', async () => {
        const web = `web-${suffix}`;
        expect(
          await ok(version, [
            'create',
            'deployment',
            web,
            '--image=busybox',
            '--replicas=2',
            '--',
            'sleep',
            '3600',
          ]),
        ).to.contain(`deployment.apps/${web} created`);
        const deploy = JSON.parse(await ok(version, ['get', 'deploy', web, '-o', 'json'])) as {
          spec: { replicas: number; template: { spec: { containers: { command: string[] }[] } } };
        };
        expect(deploy.spec.replicas).to.equal(2);
        expect(deploy.spec.template.spec.containers[0]?.command).to.deep.equal(['sleep', '3600']);
        const cron = `tick-${suffix}`;
        expect(
          await ok(version, [
            'create',
            'cronjob',
            cron,
            '--image=busybox',
            '--schedule=*/5 * * * *',
            '--',
            'true',
          ]),
        ).to.contain(`cronjob.batch/${cron} created`);
        expect(await ok(version, ['create', 'job', `${cron}-now`, `--from=cronjob/${cron}`])).to.contain(
          `job.batch/${cron}-now created`,
        );
        const job = JSON.parse(await ok(version, ['get', 'job', `${cron}-now`, '-o', 'json'])) as {
          metadata: { ownerReferences?: { kind: string; name: string }[] };
        };
        expect(job.metadata.ownerReferences?.[0]).to.include({ kind: 'CronJob', name: cron });
      });

      it('a Deployment whose pods mount a ConfigMap and a Secret; kubectl edit reaches the running pod', async () => {
        const name = `cfg-${suffix}`;
        await ok(version, ['create', 'configmap', name, '--from-literal=greeting=hello']);
        await ok(version, ['create', 'secret', 'generic', name, '--from-literal=token=t0ken']);
        const file = join(h.dataDir, `${name}.json`);
        writeFileSync(
          file,
          JSON.stringify({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name },
            spec: {
              selector: { matchLabels: { app: name } },
              template: {
                metadata: { labels: { app: name } },
                spec: {
                  containers: [
                    {
                      name: 'a',
                      image: 'busybox',
                      command: ['sleep', '3600'],
                      volumeMounts: [
                        { name: 'cm', mountPath: '/etc/cm' },
                        { name: 's', mountPath: '/etc/s' },
                      ],
                    },
                  ],
                  volumes: [
                    { name: 'cm', configMap: { name } },
                    { name: 's', secret: { secretName: name } },
                  ],
                },
              },
            },
          }),
        );
        await ok(version, ['apply', '-f', file]);
        await ok(version, ['rollout', 'status', `deploy/${name}`, '--timeout=20s']);
        const uid = await ok(version, [
          'get',
          'pods',
          '-l',
          `app=${name}`,
          '-o',
          'jsonpath={.items[0].metadata.uid}',
        ]);
        const volumes = join(h.dataDir, 'pods', uid, 'volumes');
        const read = (plugin: string, vol: string, key: string): string => {
          try {
            return readFileSync(join(volumes, plugin, vol, key), 'utf8');
          } catch {
            return '';
          }
        };
        expect(read('kubernetes.io~configmap', 'cm', 'greeting')).to.equal('hello');
        expect(read('kubernetes.io~secret', 's', 'token')).to.equal('t0ken');
        // kubectl edit with an editor that rewrites the value, as a user saving the file would
        const r = await new Promise<Run>((done) =>
          execFile(
            bins[version] as string,
            ['--cache-dir', join(h.dataDir, `kube-cache-${version}`), 'edit', 'configmap', name],
            {
              env: {
                ...process.env,
                KUBECONFIG: kubeconfig,
                KUBE_EDITOR: 'sed -i s/hello/bonjour/',
              },
              timeout: 30_000,
            },
            (err, stdout, stderr) => done({ code: err ? 1 : 0, stdout, stderr }),
          ),
        );
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.contain(`configmap/${name} edited`);
        await h.waitFor(
          "the edit in the pod's volume",
          () => read('kubernetes.io~configmap', 'cm', 'greeting') === 'bonjour',
        );
      });

      it('applies a DaemonSet: one pod on the node, get ds columns, rollout status', async () => {
        const name = `agent-${suffix}`;
        const file = join(h.dataDir, `${name}.yaml`);
        writeFileSync(
          file,
          JSON.stringify({
            apiVersion: 'apps/v1',
            kind: 'DaemonSet',
            metadata: { name },
            spec: {
              selector: { matchLabels: { app: name } },
              template: {
                metadata: { labels: { app: name } },
                spec: { containers: [{ name: 'a', image: 'busybox', command: ['sleep', '3600'] }] },
              },
            },
          }),
        );
        expect(await ok(version, ['apply', '-f', file])).to.contain(`daemonset.apps/${name} created`);
        expect(await ok(version, ['rollout', 'status', `ds/${name}`, '--timeout=20s'])).to.contain(
          'successfully rolled out',
        );
        const table = await ok(version, ['get', 'ds', name]);
        expect(table).to.match(
          /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/m,
        );
        expect(table).to.match(new RegExp(`^${name}\\s+1\\s+1\\s+1\\s+1\\s+1\\s+<none>\\s+\\S+$`, 'm'));
      });

      it("describes the node with its Lease (the heartbeat's holder and renew time)", async () => {
        const described = await ok(version, ['describe', 'node', 'test-node']);
        expect(described).to.match(/^Lease:\s*\n\s+HolderIdentity:\s+test-node$/m);
        expect(described).to.match(/^\s+RenewTime:\s+\S+/m);
        expect(await ok(version, ['get', 'leases', '-n', 'kube-node-lease', '-o', 'name'])).to.equal(
          'lease.coordination.k8s.io/test-node\n',
        );
      });

      it('a kind the server does not serve keeps a clear error', async () => {
        const r = await kubectl(version, ['create', 'quota', `q-${suffix}`, '--hard=pods=1']);
        expect(r.code).to.not.equal(0);
        expect(r.stderr).to.match(
          /the server could not find the requested resource|doesn't have a resource type/,
        );
      });

      it('applying a kind the server does not serve: validation reads /openapi/v2 (protobuf), the kind is named', async () => {
        // (PodDisruptionBudgets are served now; StorageClasses are not)
        const file = join(h.dataDir, `sc-${suffix}.yaml`);
        writeFileSync(
          file,
          'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: p}\nprovisioner: example.com/x\n',
        );
        const r = await kubectl(version, ['apply', '-f', file]);
        expect(r.code).to.not.equal(0);
        expect(r.stderr).to.contain('no matches for kind "StorageClass" in version "storage.k8s.io/v1"');
        expect(r.stderr).to.not.contain('failed to download openapi');
      });
    });
  }
});

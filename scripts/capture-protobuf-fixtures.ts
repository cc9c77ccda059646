// Records the protobuf bodies real kubectl sends for `kubectl create <kind> ...` into test/fixtures/protobuf/,
// each beside the JSON `kubectl create ... --dry-run=client -o json` prints for the same object: the unit
// tests assert api/protobuf.ts turns the one into the other. A loopback HTTP server plays the API server:
// legacy discovery for v1, apps/v1 and batch/v1, and every POST body kept.
//
//   bash scripts/install-kubectl.sh 35 && bash scripts/install-kubectl.sh 29
//   npm run build && node dist/scripts/capture-protobuf-fixtures.js
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const FIXTURE_DIR = join(__dirname, '..', '..', 'test', 'fixtures', 'protobuf');
const KUBECTL_DIR = join(__dirname, '..', '..', 'node_modules', '.cache', 'kubectl');
const run = promisify(execFile);
export const KUBECTL_MINORS = ['29', '35'];

/** Fixture name -> `kubectl create` arguments. */
export const CASES: Record<string, string[]> = {
  namespace: ['namespace', 'demo'],
  'service-clusterip': ['service', 'clusterip', 'x', '--tcp=80:8080'],
  'service-named-port': ['service', 'nodeport', 'web', '--tcp=80:http', '--node-port=30080'],
  serviceaccount: ['serviceaccount', 'robot'],
  deployment: ['deployment', 'web', '--image=busybox', '--replicas=2', '--port=80', '--', 'sleep', '3600'],
  job: ['job', 'once', '--image=busybox', '--', 'echo', 'hi'],
  cronjob: ['cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'],
  configmap: ['configmap', 'settings', '--from-literal=a=1', '--from-literal=b=two words'],
  'secret-generic': ['secret', 'generic', 'creds', '--from-literal=user=admin', '--from-literal=pass=s3cr3t'],
  'secret-docker-registry': [
    'secret',
    'docker-registry',
    'regcred',
    '--docker-server=registry.example',
    '--docker-username=u',
    '--docker-password=p',
    '--docker-email=u@example.com',
  ],
  quota: ['quota', 'q', '--hard=cpu=1500m,memory=1Gi,pods=2'],
  pdb: ['poddisruptionbudget', 'web', '--selector=app=web', '--min-available=50%'],
};

/**
 * Fixture name -> the arguments of a kubectl command posting a review or a TokenRequest (no `create
 * --dry-run` prints these): kubectl 1.29 sends the JSON the 1.35 protobuf body must decode to.
 */
export const REVIEW_CASES: Record<string, string[]> = {
  selfsubjectaccessreview: ['auth', 'can-i', 'create', 'pods', '-n', 'kube-system'],
  'selfsubjectaccessreview-subresource': ['auth', 'can-i', 'get', 'pods/web', '--subresource=log'],
  'selfsubjectaccessreview-nonresource': ['auth', 'can-i', 'get', '/healthz'],
  selfsubjectrulesreview: ['auth', 'can-i', '--list', '-n', 'default'],
  selfsubjectreview: ['auth', 'whoami'],
  tokenrequest: ['create', 'token', 'default', '--duration=10m', '--audience=a', '--audience=b'],
};

const resource = (name: string, kind: string, namespaced = true) => ({
  name,
  singularName: kind.toLowerCase(),
  namespaced,
  kind,
  verbs: ['create', 'get', 'list'],
});
const DISCOVERY: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: ['apps', 'batch', 'policy'].map((g) => ({
      name: g,
      versions: [{ groupVersion: `${g}/v1`, version: 'v1' }],
      preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' },
    })),
  },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      resource('namespaces', 'Namespace', false),
      resource('services', 'Service'),
      resource('serviceaccounts', 'ServiceAccount'),
      resource('configmaps', 'ConfigMap'),
      resource('secrets', 'Secret'),
      resource('resourcequotas', 'ResourceQuota'),
      resource('pods', 'Pod'),
    ],
  },
  '/apis/apps/v1': {
    kind: 'APIResourceList',
    groupVersion: 'apps/v1',
    resources: [resource('deployments', 'Deployment')],
  },
  '/apis/policy/v1': {
    kind: 'APIResourceList',
    groupVersion: 'policy/v1',
    resources: [resource('poddisruptionbudgets', 'PodDisruptionBudget')],
  },
  '/apis/batch/v1': {
    kind: 'APIResourceList',
    groupVersion: 'batch/v1',
    resources: [resource('jobs', 'Job'), resource('cronjobs', 'CronJob')],
  },
};

async function main(): Promise<void> {
  let answer: unknown = {};
  const bodies: { type: string; body: Buffer }[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const send = (code: number, v: unknown): void => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (req.method === 'POST') {
        bodies.push({ type: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
        send(201, answer);
      } else if (DISCOVERY[path]) send(200, DISCOVERY[path]);
      else send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  const home = mkdtempSync(join(tmpdir(), 'capture-protobuf-'));
  const kubeconfig = join(home, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]\n` +
      `users: [{name: u, user: {}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n`,
  );
  try {
    for (const minor of KUBECTL_MINORS) {
      const kubectl = join(KUBECTL_DIR, `kubectl-1.${minor}`);
      const dir = join(FIXTURE_DIR, `kubectl-1.${minor}`);
      mkdirSync(dir, { recursive: true });
      for (const [name, args] of Object.entries(CASES)) {
        const env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig };
        // Asynchronous: the server answering kubectl runs on this same event loop.
        const printed = (await run(kubectl, ['create', '--dry-run=client', '-o', 'json', ...args], { env }))
          .stdout;
        answer = JSON.parse(printed) as unknown;
        bodies.length = 0;
        await run(kubectl, ['create', ...args], { env });
        const sent = bodies[0];
        if (bodies.length !== 1 || !sent)
          throw new Error(`kubectl 1.${minor} create ${name}: ${bodies.length} bodies`);
        // Older kubectl sends some kinds as JSON: only protobuf bodies become fixtures.
        const protobuf = sent.type.startsWith('application/vnd.kubernetes.protobuf');
        writeFileSync(join(dir, `${name}.${protobuf ? 'pb' : 'sent.json'}`), sent.body);
        writeFileSync(join(dir, `${name}.json`), printed);
        console.log(`kubectl 1.${minor} create ${name}: ${sent.body.length} bytes of ${sent.type}`);
      }
      for (const [name, args] of Object.entries(REVIEW_CASES)) {
        answer = {};
        bodies.length = 0;
        // kubectl fails on the empty answer: only its request is wanted
        await run(kubectl, args, { env: { ...process.env, HOME: home, KUBECONFIG: kubeconfig } }).catch(
          () => undefined,
        );
        const sent = bodies[0];
        if (bodies.length !== 1 || !sent)
          throw new Error(`kubectl 1.${minor} ${name}: ${bodies.length} bodies`);
        const protobuf = sent.type.startsWith('application/vnd.kubernetes.protobuf');
        writeFileSync(join(dir, `${name}.${protobuf ? 'pb' : 'sent.json'}`), sent.body);
        console.log(`kubectl 1.${minor} ${args.join(' ')}: ${sent.body.length} bytes of ${sent.type}`);
      }
    }
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

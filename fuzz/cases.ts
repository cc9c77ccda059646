// Hostile API requests, deterministic for a seed. Four families:
// - invalid manifests: a valid pod with one to three mutations that each make it invalid (names, labels,
//   annotations, env, ports, mounts, dnsConfig, the allow-flags, wrong types, __proto__), sent as JSON or
//   YAML, by POST, PUT or server-side apply; and invalid Secrets carrying SECRET_CANARY, which no answer
//   may echo; the agent must refuse each one and create nothing;
// - structural mutations (fuzz/structural.ts): valid bodies of every kind served with nodes of the wrong
//   shape, as dry runs; valid or not, never a 5xx; writes of a read-only kind, a 405;
// - hostile bodies: random bytes, truncated JSON, billion laughs, custom tags, deep nesting, bodies over
//   the limit, odd media types; also refused, also creating nothing;
// - hostile requests: names and namespaces no DNS-1123 rule allows, encodings, repeated and malformed query
//   parameters, JSON patches through __proto__, odd headers; any 4xx is fine, a 5xx is not.
// Nothing generated here can create a pod: `invalid` cases are refused, structural ones are dry runs.
import { stringify } from 'yaml';
import { prng } from './prng';
import type { ServedKind } from './served-kinds';
import { structuralCase } from './structural';

export interface FuzzCase {
  id: number;
  family: 'manifest' | 'body' | 'request' | 'structure';
  /** What was done to it, for the report. */
  what: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query as sent (already percent-encoded). */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** A manifest the agent must refuse (4xx) without creating anything. */
  invalid: boolean;
  /** The only status the answer may have (a write of a read-only kind: 405). */
  expect?: number;
}

export interface FuzzOptions {
  /** Pods that exist (the memory-runtime run creates some), for PATCH/PUT/log requests against real objects. */
  existingPods?: readonly string[];
  /** The kinds the API serves (servedKinds(), from its discovery): what structural cases mutate. */
  kinds?: readonly ServedKind[];
  /** Sizes of the largest bodies (default 3 MiB + 1 for the over-limit case). */
  bodyLimit?: number;
}

type Rnd = () => number;
type Json = Record<string, unknown>;

const pick = <T>(rnd: Rnd, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
const chance = (rnd: Rnd, p: number): boolean => rnd() < p;

function validPod(rnd: Rnd, id: number): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `fz-${id}`, labels: { app: 'fuzz' } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'c',
          image: 'busybox',
          command: ['sleep', '1'],
          ...(chance(rnd, 0.3) ? { env: [{ name: 'A', value: 'b' }] } : {}),
        },
      ],
    },
  };
}

const BAD_NAMES: unknown[] = [
  'UPPER',
  'a_b',
  '-a',
  'a-',
  '../etc',
  'a/b',
  'x'.repeat(254),
  'a..b',
  '.a',
  'é',
  'a\u0000b',
  'a b',
  '*',
  123,
  ['a'],
  { a: 1 },
  '',
];
const BAD_LABEL_KEYS = [
  'a/b/c',
  '/a',
  'a/',
  '-a',
  'x'.repeat(64),
  `${'x'.repeat(254)}/a`,
  'a b',
  'Bad_Prefix/a',
  'ü',
];
const BAD_LABEL_VALUES: unknown[] = ['x'.repeat(64), '-a', 'a b', 'ü', 'a\nb', 123, null, { a: 1 }];

const spec = (p: Json): Json => p.spec as Json;
const meta = (p: Json): Json => p.metadata as Json;
const c0 = (p: Json): Json => (spec(p).containers as Json[])[0] as Json;

/** Each mutation makes a valid pod invalid (under the fuzz daemon's flags: no allow-flags but a temp dir). */
const MUTATIONS: Record<string, (p: Json, rnd: Rnd) => void> = {
  name: (p, rnd) => (meta(p).name = pick(rnd, BAD_NAMES)),
  labelKey: (p, rnd) => (meta(p).labels = { [pick(rnd, BAD_LABEL_KEYS)]: 'x' }),
  labelValue: (p, rnd) => (meta(p).labels = { app: pick(rnd, BAD_LABEL_VALUES) }),
  labelsType: (p, rnd) => (meta(p).labels = pick(rnd, [[], 'a=b', 5])),
  annotationKey: (p, rnd) => (meta(p).annotations = { [pick(rnd, BAD_LABEL_KEYS)]: 'x' }),
  annotationsTooBig: (p) => (meta(p).annotations = { big: 'x'.repeat(256 * 1024) }),
  namespaceMismatch: (p) => (meta(p).namespace = 'kube-system'),
  kind: (p, rnd) => (p.kind = pick(rnd, ['Service', 'pod', 'Deployment', 5])),
  apiVersion: (p, rnd) => (p.apiVersion = pick(rnd, ['v2', 'apps/v1', ''])),
  noContainers: (p, rnd) => (spec(p).containers = pick(rnd, [[], undefined, 'c', [null], [{}], {}])),
  containerName: (p, rnd) => (c0(p).name = pick(rnd, BAD_NAMES)),
  duplicateContainer: (p) => (spec(p).containers = [c0(p), { ...c0(p) }]),
  image: (p, rnd) => (c0(p).image = pick(rnd, ['', ' busybox', 'busybox ', 5, null, ['busybox']])),
  envName: (p, rnd) => (c0(p).env = [{ name: pick(rnd, ['A=B', '', 'A\nB', '\u0001', 5]), value: 'x' }]),
  envTooBig: (p) => (c0(p).env = [{ name: 'BIG', value: 'x'.repeat(128 * 1024) }]),
  port: (p, rnd) => (c0(p).ports = [{ containerPort: pick(rnd, [0, -1, 65536, 1.5, '80', Infinity]) }]),
  command: (p, rnd) => (c0(p).command = pick(rnd, ['sh -c x', [1, 2], { a: 1 }])),
  privileged: (p) => (c0(p).securityContext = { privileged: true }),
  capability: (p, rnd) =>
    (c0(p).securityContext = {
      capabilities: { add: [pick(rnd, ['SYS_ADMIN', 'NET_ADMIN', 'CAP_SYS_PTRACE', 'ALL'])] },
    }),
  hostNamespace: (p, rnd) => (spec(p)[pick(rnd, ['hostNetwork', 'hostPID', 'hostIPC'])] = true),
  hostPath: (p, rnd) => {
    spec(p).volumes = [
      {
        name: 'h',
        hostPath: {
          path: pick(rnd, [
            '/',
            '/etc',
            '/var/run/docker.sock',
            '/run/docker.sock',
            '/tmp/../etc',
            '/proc',
            'relative',
            '/tmp/x:/etc',
          ]),
        },
      },
    ];
    c0(p).volumeMounts = [{ name: 'h', mountPath: '/h' }];
  },
  mountMissing: (p) => (c0(p).volumeMounts = [{ name: 'nope', mountPath: '/x' }]),
  mountPath: (p, rnd) => {
    spec(p).volumes = [{ name: 'v', emptyDir: {} }];
    c0(p).volumeMounts = [{ name: 'v', mountPath: pick(rnd, ['/a:rw', '', '/x:/y:ro']) }];
  },
  runAsUser: (p, rnd) => (c0(p).securityContext = { runAsUser: pick(rnd, [-1, 2 ** 31, 1.5, '0']) }),
  dnsConfig: (p, rnd) =>
    (spec(p).dnsConfig = pick(rnd, [
      { nameservers: ['1.1.1.1\nsearch evil'] },
      { nameservers: ['1.1.1.1', '1.1.1.2', '1.1.1.3', '1.1.1.4'] },
      { searches: Array.from({ length: 33 }, (_, i) => `s${i}.example`) },
      { searches: ['a b'] },
      { options: [{ name: 'ndots', value: '1\nnameserver 6.6.6.6' }] },
      { options: [{ value: '1' }] },
    ])),
  restartPolicy: (p, rnd) => (spec(p).restartPolicy = pick(rnd, ['Sometimes', '', 5])),
  dnsPolicy: (p) => (spec(p).dnsPolicy = 'Custom'),
  grace: (p, rnd) => (spec(p).terminationGracePeriodSeconds = pick(rnd, [-1, 1.5, 'x'])),
  specType: (p, rnd) => (p.spec = pick(rnd, [[], 'spec', 5, null])),
  metadataType: (p, rnd) => (p.metadata = pick(rnd, [[], 'meta', 5])),
  probe: (p, rnd) =>
    (c0(p).livenessProbe = pick(rnd, [
      {},
      { exec: { command: ['true'] }, tcpSocket: { port: 1 } },
      { exec: { command: ['true'] }, periodSeconds: -1 },
    ])),
  volumes: (p, rnd) =>
    (spec(p).volumes = pick(rnd, [
      [{ name: 'Bad_Vol', emptyDir: {} }],
      [{ name: 'v', hostPath: {} }],
      [{ name: 'v', emptyDir: {}, hostPath: { path: '/tmp' } }],
      [{ name: 'v', emptyDir: { medium: 'Disk' } }],
    ])),
  hostname: (p, rnd) =>
    (spec(p)[pick(rnd, ['hostname', 'subdomain'])] = pick(rnd, ['Bad_Host', 'a.b', 'x'.repeat(64)])),
  initContainer: (p, rnd) =>
    (spec(p).initContainers = [
      pick(rnd, [
        { name: 'i', image: 'busybox', restartPolicy: 'Never' },
        { name: 'i', image: 'busybox', livenessProbe: { exec: { command: ['true'] } } },
        { name: 'c', image: 'busybox' },
      ]),
    ]),
  deep: (p) => {
    let v: Json = {};
    const root = v;
    for (let i = 0; i < 150; i++) {
      const next: Json = {};
      v.a = next;
      v = next;
    }
    meta(p).annotations = { deep: 'x' };
    spec(p).nested = root;
  },
};
export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** The pod as JSON text, now and then with an own `__proto__` field (a JS object cannot carry one). */
function podJson(p: Json, rnd: Rnd): string {
  const text = JSON.stringify(p);
  if (!chance(rnd, 0.05)) return text;
  return text.replace('"metadata":{', '"metadata":{"__proto__":{"name":"x"},');
}

function invalidManifest(rnd: Rnd, id: number, opts: FuzzOptions): FuzzCase {
  const p = validPod(rnd, id);
  const names: string[] = [];
  for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
    const name = pick(rnd, MUTATION_NAMES);
    names.push(name);
    try {
      (MUTATIONS[name] as (p: Json, rnd: Rnd) => void)(p, rnd);
    } catch {
      // a mutation after `specType` or `metadataType` cannot reach in: the pod stays invalid anyway
    }
  }
  const yaml = chance(rnd, 0.3);
  let body: string;
  try {
    body = yaml ? stringify(p) : podJson(p, rnd);
  } catch {
    body = podJson(p, rnd);
  }
  const type = yaml ? pick(rnd, ['application/yaml', 'application/x-yaml', 'text/yaml']) : 'application/json';
  const existing = opts.existingPods ?? [];
  const how = rnd();
  const base = pick(rnd, ['/pods', '/api/v1/namespaces/default/pods']);
  if (how < 0.7) {
    const q = pick(rnd, ['', '?dryRun=All', '?fieldValidation=Strict', '?fieldValidation=Ignore']);
    return {
      id,
      family: 'manifest',
      what: names.join('+'),
      method: 'POST',
      path: base + q,
      headers: { 'content-type': type },
      body,
      invalid: true,
    };
  }
  // Server-side apply creates what is missing: the same manifest must be refused there too.
  const name =
    typeof meta(p)?.name === 'string' && meta(p).name !== '' ? (meta(p).name as string) : `fz-${id}`;
  const target = how < 0.85 || existing.length === 0 ? encodeURIComponent(name) : pick(rnd, existing);
  if (how < 0.85)
    return {
      id,
      family: 'manifest',
      what: `apply:${names.join('+')}`,
      method: 'PATCH',
      path: `${base}/${target}?fieldManager=fuzz`,
      headers: { 'content-type': 'application/apply-patch+yaml' },
      body,
      invalid: true,
    };
  return {
    id,
    family: 'manifest',
    what: `put:${names.join('+')}`,
    method: 'PUT',
    path: `${base}/${target}`,
    headers: { 'content-type': type },
    body,
    invalid: true,
  };
}

function billionLaughs(depth: number): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < depth; i++) {
    const me = String.fromCharCode(97 + i);
    lines.push(
      `${me}: &${me} [${Array(9)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(',')}]`,
    );
  }
  return `kind: Pod\nmetadata: {name: Bad_Name}\n${lines.join('\n')}\n`;
}

const KUBECTL_DEPLOYMENT_PB = [
  '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412c9010a1f0a0377656212001a0022002a00320038',
  '0042005a0a0a0361707012037765621297010802120c0a0a0a0361707012037765621a7d0a1c0a0012001a0022002a00',
  '3200380042005a0a0a036170701203776562125d123f0a0762757379626f78120762757379626f781a05736c6565701a',
  '04333630302a00320a0a001000185022002a0042006a007200800100880100900100a201001a00320042004a00520058',
  '00600068008201008a01009a0100c2010022020a00280038001a0c0800100018002000280038001a002200',
].join('');

const BODIES: Record<string, (rnd: Rnd, limit: number) => { type: string; body: string | Buffer }> = {
  randomBytes: (rnd) => {
    const b = Buffer.alloc(Math.floor(rnd() * 2000));
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
    return {
      type: pick(rnd, [
        'application/json',
        'application/yaml',
        'application/vnd.kubernetes.protobuf',
        'application/merge-patch+json',
      ]),
      body: b,
    };
  },
  truncatedJson: (rnd) => {
    const text = JSON.stringify(validPod(rnd, 0));
    return { type: 'application/json', body: text.slice(0, Math.floor(rnd() * (text.length - 1))) };
  },
  billionLaughs: (rnd) => ({ type: 'application/yaml', body: billionLaughs(5 + Math.floor(rnd() * 6)) }),
  customTag: (rnd) => ({
    type: 'application/yaml',
    body: `kind: Pod\nmetadata: {name: ${pick(rnd, ['!!js/function "x"', '!!python/object:os.system x', '!custom x', '!!binary aGk='])}}\nspec: {containers: [{name: c, image: busybox}]}\n`,
  }),
  duplicateKeys: (rnd) =>
    chance(rnd, 0.5)
      ? { type: 'application/yaml', body: 'kind: Pod\nmetadata: {name: ok}\nmetadata: {name: Bad_Name}\n' }
      : {
          type: 'application/json',
          body: '{"kind":"Pod","metadata":{"name":"ok"},"metadata":{"name":"Bad_Name"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}',
        },
  deepJson: (rnd) => {
    const n = pick(rnd, [101, 1000, 100_000]);
    return chance(rnd, 0.5)
      ? { type: 'application/json', body: `${'['.repeat(n)}${']'.repeat(n)}` }
      : { type: 'application/json', body: `${'{"a":'.repeat(n)}1${'}'.repeat(n)}` };
  },
  deepYaml: (rnd) => {
    const n = pick(rnd, [201, 5000, 100_000]);
    return { type: 'application/yaml', body: pick(rnd, ['[', '{a: ', '- ']).repeat(n) };
  },
  overLimit: (_rnd, limit) => ({
    type: 'application/json',
    body: `{"kind":"Pod","x":"${'x'.repeat(limit)}"}`,
  }),
  manyKeysYaml: (rnd) => ({
    type: 'application/yaml',
    body: `kind: Pod\nmetadata: {name: Bad_Name}\nx:\n${Array.from({ length: 500 + Math.floor(rnd() * 20_000) }, (_, i) => `  k${i}: v`).join('\n')}\n`,
  }),
  mediaType: (rnd) => ({
    type: pick(rnd, [
      '',
      'text/html',
      'application/json; charset=utf-16',
      'multipart/form-data',
      'application/xml',
    ]),
    body: '{"kind":"Pod","metadata":{"name":"Bad_Name"}}',
  }),
  invalidUtf8: () => ({
    type: 'application/json',
    body: Buffer.concat([
      Buffer.from('{"kind":"Pod","metadata":{"name":"a'),
      Buffer.from([0xff, 0xfe, 0xc0]),
      Buffer.from('"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}'),
    ]),
  }),
  hugeNumber: () => ({
    type: 'application/json',
    body: '{"kind":"Pod","metadata":{"name":"n"},"spec":{"terminationGracePeriodSeconds":1e400,"containers":[{"name":"c","image":"busybox"}]}}',
  }),
  protobuf: (rnd) => {
    const b = Buffer.alloc(Math.floor(rnd() * 200));
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(rnd() * 256);
    return {
      type: 'application/vnd.kubernetes.protobuf',
      body: Buffer.concat([Buffer.from('k8s\0', 'latin1'), b]),
    };
  },
  protobufMutated: (rnd) => {
    // what kubectl 1.35 sends for `create deployment web --image=busybox --replicas=2 --port=80 -- sleep 3600`
    // (test/fixtures/protobuf/), a few bytes changed: it reaches the depths of the table-driven decoder
    const b = Buffer.from(KUBECTL_DEPLOYMENT_PB, 'hex');
    for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--)
      b[4 + Math.floor(rnd() * (b.length - 4))] = Math.floor(rnd() * 256);
    return { type: 'application/vnd.kubernetes.protobuf', body: b };
  },
  yamlAnchorsMerge: () => ({
    type: 'application/yaml',
    body: 'base: &b {name: c, image: busybox, securityContext: {privileged: true}}\nkind: Pod\nmetadata: {name: anchored}\nspec: {containers: [*b]}\n',
  }),
  emptyBody: (rnd) => ({ type: pick(rnd, ['application/json', 'application/yaml']), body: '' }),
};
export const BODY_NAMES = Object.keys(BODIES);

function hostileBody(rnd: Rnd, id: number, opts: FuzzOptions): FuzzCase {
  // Big bodies cost time per case: the over-limit one and the many-keys YAML are rarer.
  let what = pick(rnd, BODY_NAMES);
  if ((what === 'overLimit' || what === 'manyKeysYaml') && !chance(rnd, 0.2)) what = 'randomBytes';
  const { type, body } = (
    BODIES[what] as (rnd: Rnd, limit: number) => { type: string; body: string | Buffer }
  )(rnd, opts.bodyLimit ?? 3 * 1024 * 1024);
  const path = pick(rnd, ['/pods', '/api/v1/namespaces/default/pods', '/services', '/api/v1/namespaces']);
  return {
    id,
    family: 'body',
    what,
    method: 'POST',
    path,
    headers: type ? { 'content-type': type } : {},
    body,
    invalid: true,
  };
}

const HOSTILE_SEGMENTS = [
  '..',
  '%2e%2e',
  '..%2f..%2fetc',
  '%2F',
  'a%00b',
  'A',
  'a_b',
  '%20',
  'x'.repeat(300),
  'y'.repeat(2000),
  '%E0%A4%A',
  '%ff',
  '*',
  'a.b',
  '-a',
  'é',
  '%C3%A9',
  'a'.repeat(253),
  'fz-missing',
  '~',
  '%25',
];
const QUERIES = [
  'namespace=a&namespace=b',
  'namespace=..%2Fx',
  'container=../../etc/passwd',
  'container=A',
  'labelSelector=a%20in%20(b',
  'labelSelector=!!!',
  `labelSelector=${'a'.repeat(5000)}!`,
  'labelSelector=a&labelSelector=b',
  'fieldSelector=status.phase%3D%3D%3D',
  'fieldSelector=spec.nodeName!=x,metadata.name=',
  'fieldSelector=nope=1',
  'limit=-1',
  'limit=abc',
  'limit=1e9',
  'continue=%%%',
  'continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJzdGFydCI6MX0',
  'resourceVersion=abc&watch=true&timeoutSeconds=-1',
  'watch=true&timeoutSeconds=-1',
  'watch=true&resourceVersion=999999999999&timeoutSeconds=-1',
  'tailLines=-5',
  'sinceTime=yesterday',
  'sinceSeconds=1e99',
  'limitBytes=-1',
  'fieldValidation=Bogus',
  'dryRun=Nope',
  'gracePeriodSeconds=-1',
  'gracePeriodSeconds=abc',
  'follow=true&container=c',
  'previous=true',
  '__proto__=x',
  'constructor=x',
  'includeObject=Bogus',
];
const ROUTES = [
  ['GET', '/pods/:name'],
  ['GET', '/pods/:name/log'],
  ['GET', '/pods/:name/status'],
  ['GET', '/pods/:name/events'],
  ['DELETE', '/pods/:name'],
  ['GET', '/api/v1/namespaces/:ns/pods'],
  ['GET', '/api/v1/namespaces/:ns/pods/:name'],
  ['DELETE', '/api/v1/namespaces/:ns/pods/:name'],
  ['GET', '/api/v1/namespaces/:ns/services/:name'],
  ['DELETE', '/services/:name'],
  ['GET', '/endpoints/:name'],
  ['GET', '/api/v1/namespaces/:name'],
  ['DELETE', '/api/v1/namespaces/:name'],
  ['GET', '/api/v1/namespaces/:ns/events/:name'],
  ['GET', '/api/v1/watch/namespaces/:ns/pods'],
  ['GET', '/pods'],
  ['GET', '/api/v1/pods'],
  ['GET', '/no/such/:name'],
] as const;
const ACCEPTS = [
  'application/json',
  'text/plain',
  'application/json;as=Table;v=v1;g=meta.k8s.io',
  'application/vnd.kubernetes.protobuf',
  '*/*',
  'garbage/;;;',
];

function hostileRequest(rnd: Rnd, id: number, opts: FuzzOptions): FuzzCase {
  const existing = opts.existingPods ?? [];
  const r = rnd();
  // JSON patches against a pod: through __proto__, out of range, to privileged; or merge patches that make it invalid.
  if (r < 0.2) {
    const target = existing.length && chance(rnd, 0.8) ? pick(rnd, existing) : pick(rnd, HOSTILE_SEGMENTS);
    const ops = pick(rnd, [
      [{ op: 'add', path: '/__proto__/polluted', value: 'yes' }],
      [{ op: 'add', path: '/metadata/__proto__/privileged', value: true }],
      [{ op: 'add', path: '/constructor/prototype/polluted', value: 'yes' }],
      [{ op: 'replace', path: '/spec/containers/99/image', value: 'x' }],
      [{ op: 'replace', path: '/spec/containers/-1/image', value: 'x' }],
      [{ op: 'remove', path: '/spec/containers/x' }],
      [{ op: 'add', path: '/spec/containers/0/securityContext', value: { privileged: true } }],
      [{ op: 'add', path: '/spec/hostNetwork', value: true }],
      [
        { op: 'replace', path: '/spec/containers/0/image', value: 'busybox:fuzz' },
        { op: 'add', path: '/spec/hostPID', value: true },
      ],
      [{ op: 'move', from: '/spec', path: '/metadata/x' }],
      [{ op: 'copy', from: '/nope', path: '/x' }],
      [{ op: 'test', path: '/metadata/name', value: 'nope' }],
      [{ op: 'bogus', path: '/x' }],
      { op: 'add' },
      [{ path: 5 }],
    ]);
    const merge = pick(rnd, [
      { metadata: { labels: { 'a/b/c': 'x' } } },
      { metadata: { annotations: { big: 'x'.repeat(300_000) } } },
      { metadata: { name: 'renamed' } },
      { spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] } },
      { spec: { containers: null } },
      { spec: 5 },
    ]);
    const json = chance(rnd, 0.6);
    return {
      id,
      family: 'request',
      what: json ? 'jsonPatch' : 'mergePatch',
      method: 'PATCH',
      path: `/pods/${target}`,
      headers: {
        'content-type': json
          ? 'application/json-patch+json'
          : pick(rnd, ['application/merge-patch+json', 'application/strategic-merge-patch+json']),
      },
      body: JSON.stringify(json ? ops : merge),
      invalid: true,
    };
  }
  const [method, template] = pick(rnd, ROUTES);
  // DELETE never names an existing pod: the patches that follow need them.
  const seg = (): string =>
    existing.length && method !== 'DELETE' && chance(rnd, 0.3)
      ? pick(rnd, existing)
      : pick(rnd, HOSTILE_SEGMENTS);
  let path: string = template.replace(':ns', chance(rnd, 0.5) ? 'default' : seg()).replace(':name', seg());
  const queries: string[] = [];
  for (let k = 0; k < Math.floor(rnd() * 3); k++) queries.push(pick(rnd, QUERIES));
  // A watch without a timeout would stay open: every generated watch ends at once (a negative timeout; 0 is the server's default, as upstream).
  if (path.includes('/watch/') || queries.some((q) => q.includes('watch=true')))
    if (!queries.some((q) => q.includes('timeoutSeconds'))) queries.push('timeoutSeconds=-1');
  if (queries.some((q) => q.includes('follow=true'))) queries.push('limitBytes=1');
  if (queries.length) path += `?${queries.join('&')}`;
  const headers: Record<string, string> = { accept: pick(rnd, ACCEPTS) };
  if (chance(rnd, 0.1)) headers['authorization'] = pick(rnd, ['Bearer x', 'Basic Og==', 'Bearer ']);
  return { id, family: 'request', what: `${method} ${template}`, method, path, headers, invalid: false };
}

/** The value every generated Secret carries: no answer, log line or fuzz report may ever show it. */
export const SECRET_CANARY = 'fz-canary-7c1d9e';
const b64 = (v: string): string => Buffer.from(v).toString('base64');

// Invalid Secrets, each refused for a reason other than its value; the value must not come back.
const SECRET_MUTATIONS: Record<string, (s: Json) => void> = {
  'bad key': (s) => (s['data'] = { 'bad key!': b64(SECRET_CANARY) }),
  'key ..': (s) => (s['stringData'] = { '..': SECRET_CANARY }),
  'not base64': (s) => (s['data'] = { token: `${SECRET_CANARY}*` }),
  'tls without tls.key': (s) => {
    s['type'] = 'kubernetes.io/tls';
    s['stringData'] = { 'tls.crt': SECRET_CANARY };
  },
  'dockerconfigjson not JSON': (s) => {
    s['type'] = 'kubernetes.io/dockerconfigjson';
    s['stringData'] = { '.dockerconfigjson': SECRET_CANARY };
  },
  'basic-auth without its keys': (s) => {
    s['type'] = 'kubernetes.io/basic-auth';
    s['stringData'] = { other: SECRET_CANARY };
  },
  'over 1 MiB': (s) => (s['stringData'] = { big: SECRET_CANARY.repeat((1 << 20) / 8) }),
  'bad name': (s) => ((s['metadata'] as Json)['name'] = 'Bad_Name'),
};
const SECRET_MUTATION_NAMES = Object.keys(SECRET_MUTATIONS);

function invalidSecret(rnd: Rnd, id: number): FuzzCase {
  const name = pick(rnd, SECRET_MUTATION_NAMES);
  const secret: Json = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `fz-s-${id}` },
    data: { token: b64(SECRET_CANARY) },
  };
  (SECRET_MUTATIONS[name] as (s: Json) => void)(secret);
  return {
    id,
    family: 'manifest',
    what: `secret: ${name}`,
    method: 'POST',
    path: `/api/v1/namespaces/default/secrets${pick(rnd, ['', '?dryRun=All', '?fieldValidation=Strict'])}`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(secret),
    invalid: true,
  };
}

/** `count` hostile cases for `seed`: 45 % invalid manifests (a ninth of them Secrets), 15 % valid bodies of
 * every kind with nodes of the wrong shape (fuzz/structural.ts), 20 % hostile bodies, the rest requests. */
export function* fuzzCases(seed: number, count: number, opts: FuzzOptions = {}): Generator<FuzzCase> {
  const rnd = prng(seed);
  for (let id = 0; id < count; id++) {
    const r = rnd();
    if (r < 0.4) yield invalidManifest(rnd, id, opts);
    else if (r < 0.45) yield invalidSecret(rnd, id);
    else if (r < 0.6) yield structuralCase(rnd, id, opts);
    else if (r < 0.8) yield hostileBody(rnd, id, opts);
    else yield hostileRequest(rnd, id, opts);
  }
}

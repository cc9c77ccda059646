// Writes agent/model/schema/protobuf-v1.json: the field-number table api/protobuf.ts decodes Kubernetes
// protobuf request bodies with (what `kubectl create <kind>` sends). It is read from upstream's sources:
// each message's fields from the `generated.proto` files (number, type, repeated, map) and, from the Go
// types beside them, what JSON makes of each field (its JSON name, `omitempty`, a pointer, an inlined
// struct), so a decoded body is the JSON the API server's own decoder would see.
//
//   npm run protobuf-table -- API_DIR APIMACHINERY_DIR
//
// API_DIR is a checkout of github.com/kubernetes/api and APIMACHINERY_DIR one of
// github.com/kubernetes/apimachinery, both at the tag named in SOURCE (the newest kubectl minor served).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPECIAL_TYPES } from '../api/protobuf-special';
import type { ProtobufTable, TableField } from '../api/protobuf-table';

export const SOURCE = 'kubernetes/api v0.35.7, kubernetes/apimachinery v0.35.7';
export const PROTOBUF_TABLE_FILE = join(
  __dirname,
  '..',
  '..',
  'agent',
  'model',
  'schema',
  'protobuf-v1.json',
);

/** Proto packages read, by the short name the table uses, with the Go package directory beside them. */
const PACKAGES: { proto: string; short: string; repo: 'api' | 'apimachinery'; dir: string }[] = [
  { proto: 'k8s.io.api.core.v1', short: 'core.v1', repo: 'api', dir: 'core/v1' },
  { proto: 'k8s.io.api.apps.v1', short: 'apps.v1', repo: 'api', dir: 'apps/v1' },
  { proto: 'k8s.io.api.batch.v1', short: 'batch.v1', repo: 'api', dir: 'batch/v1' },
  // HorizontalPodAutoscalers (`kubectl autoscale` posts v2, falls back to v1)
  { proto: 'k8s.io.api.autoscaling.v1', short: 'autoscaling.v1', repo: 'api', dir: 'autoscaling/v1' },
  { proto: 'k8s.io.api.autoscaling.v2', short: 'autoscaling.v2', repo: 'api', dir: 'autoscaling/v2' },
  // Roles, ClusterRoles and their bindings (`kubectl create role|clusterrole|rolebinding|clusterrolebinding`)
  { proto: 'k8s.io.api.rbac.v1', short: 'rbac.v1', repo: 'api', dir: 'rbac/v1' },
  // Ingresses and IngressClasses (`kubectl create ingress`)
  { proto: 'k8s.io.api.networking.v1', short: 'networking.v1', repo: 'api', dir: 'networking/v1' },
  // PodDisruptionBudgets and the Eviction body (`kubectl create pdb`, `kubectl drain`)
  { proto: 'k8s.io.api.policy.v1', short: 'policy.v1', repo: 'api', dir: 'policy/v1' },
  // PriorityClasses (`kubectl create priorityclass`)
  { proto: 'k8s.io.api.scheduling.v1', short: 'scheduling.v1', repo: 'api', dir: 'scheduling/v1' },
  // the self-subject reviews kubectl posts (`auth can-i`, `auth whoami`) and TokenRequest (`create token`)
  {
    proto: 'k8s.io.api.authorization.v1',
    short: 'authorization.v1',
    repo: 'api',
    dir: 'authorization/v1',
  },
  {
    proto: 'k8s.io.api.authentication.v1',
    short: 'authentication.v1',
    repo: 'api',
    dir: 'authentication/v1',
  },
  {
    proto: 'k8s.io.apimachinery.pkg.apis.meta.v1',
    short: 'meta.v1',
    repo: 'apimachinery',
    dir: 'pkg/apis/meta/v1',
  },
];
/** The packages whose objects are kinds, with their apiVersion. */
const KIND_PACKAGES: Record<string, string> = {
  'core.v1': 'v1',
  'apps.v1': 'apps/v1',
  'batch.v1': 'batch/v1',
  'autoscaling.v1': 'autoscaling/v1',
  'autoscaling.v2': 'autoscaling/v2',
  'rbac.v1': 'rbac.authorization.k8s.io/v1',
  'networking.v1': 'networking.k8s.io/v1',
  'policy.v1': 'policy/v1',
  'scheduling.v1': 'scheduling.k8s.io/v1',
  'authorization.v1': 'authorization.k8s.io/v1',
  'authentication.v1': 'authentication.k8s.io/v1',
};
/**
 * Option messages client-go sends as request bodies (a DELETE's DeleteOptions: Helm's release Secrets), by
 * the kind the envelope names; decodable under every apiVersion.
 */
const OPTION_BODIES: Record<string, string> = { DeleteOptions: 'meta.v1.DeleteOptions' };
/** Types the decoder converts by hand, as their JSON form shows them (not listed in the table). */
const SPECIAL = Object.keys(SPECIAL_TYPES);
const OTHER_PACKAGES: Record<string, string> = {
  'k8s.io.apimachinery.pkg.api.resource': 'resource',
  'k8s.io.apimachinery.pkg.util.intstr': 'intstr',
  'k8s.io.apimachinery.pkg.runtime': 'runtime',
};
/** Messages with object metadata that are no kind: lists and templates. */
const NOT_KINDS = /(List|TemplateSpec|ClaimTemplate)$/;
const SCALARS = new Set(['string', 'bool', 'bytes', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float']);

interface ProtoField {
  number: number;
  name: string;
  type: string;
  repeated: boolean;
}
interface GoField {
  json: string;
  omitempty: boolean;
  omitzero: boolean;
  pointer: boolean;
  inline: boolean;
}

function shortType(type: string, pkg: string): string {
  if (SCALARS.has(type)) return type;
  if (!type.startsWith('.')) return `${pkg}.${type}`;
  const dot = type.lastIndexOf('.');
  const full = type.slice(1, dot);
  const known = PACKAGES.find((p) => p.proto === full)?.short ?? OTHER_PACKAGES[full];
  if (!known) throw new Error(`unknown proto package ${full}`);
  return `${known}.${type.slice(dot + 1)}`;
}

/** message name -> fields, from one generated.proto (k8s's have no nested messages and no enums). */
function parseProto(text: string, pkg: string): Map<string, ProtoField[]> {
  const out = new Map<string, ProtoField[]>();
  let current: ProtoField[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const open = /^message (\w+) \{$/.exec(line);
    if (open?.[1]) out.set(`${pkg}.${open[1]}`, (current = []));
    else if (line === '}') current = undefined;
    else if (current && line) {
      const map = /^map<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+);$/.exec(line);
      const plain = /^(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+);$/.exec(line);
      if (map?.[1] && map[2] && map[3] && map[4])
        current.push({
          number: Number(map[4]),
          name: map[3],
          type: `map<${shortType(map[1], pkg)},${shortType(map[2], pkg)}>`,
          repeated: false,
        });
      else if (plain?.[1] && plain[2] && plain[3] && plain[4])
        current.push({
          number: Number(plain[4]),
          name: plain[3],
          type: shortType(plain[2], pkg),
          repeated: plain[1] === 'repeated',
        });
      else throw new Error(`unparsed proto line in ${pkg}: ${line}`);
    }
  }
  return out;
}

/** struct name -> proto field number -> what JSON makes of it, from a package's hand-written Go files. */
function parseGo(dir: string, pkg: string): Map<string, Map<number, GoField>> {
  const out = new Map<string, Map<number, GoField>>();
  const files = readdirSync(dir).filter(
    (f) =>
      f.endsWith('.go') && !/(_test|\.pb|_generated|^zz_generated.*)\.go$/.test(f) && !f.startsWith('zz_'),
  );
  for (const file of files) {
    let current: Map<number, GoField> | undefined;
    for (const raw of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const open = /^type (\w+) struct \{/.exec(raw);
      if (open?.[1]) out.set(`${pkg}.${open[1]}`, (current = new Map<number, GoField>()));
      else if (raw.startsWith('}')) current = undefined;
      else if (current) {
        const tag = /^\s*([^`]*?)\s*`([^`]*)`\s*$/.exec(raw);
        const proto = tag?.[2] && /protobuf:"\w+,(\d+),/.exec(tag[2]);
        const json = tag?.[2] && /json:"([^"]*)"/.exec(tag[2]);
        if (!tag?.[1] || !proto?.[1] || !json) continue;
        const [name = '', ...opts] = (json[1] ?? '').split(',');
        const words = tag[1].trim().split(/\s+/);
        const type = words.length > 1 ? words.slice(1).join(' ') : (words[0] ?? '');
        current.set(Number(proto[1]), {
          json: name,
          omitempty: opts.includes('omitempty'),
          omitzero: opts.includes('omitzero'),
          pointer: type.startsWith('*'),
          inline: opts.includes('inline'),
        });
      }
    }
  }
  return out;
}

export function buildTable(apiDir: string, apimachineryDir: string): ProtobufTable {
  const proto = new Map<string, ProtoField[]>();
  const go = new Map<string, Map<number, GoField>>();
  for (const p of PACKAGES) {
    const dir = join(p.repo === 'api' ? apiDir : apimachineryDir, p.dir);
    for (const [k, v] of parseProto(readFileSync(join(dir, 'generated.proto'), 'utf8'), p.short))
      proto.set(k, v);
    for (const [k, v] of parseGo(dir, p.short)) go.set(k, v);
  }
  const kinds: Record<string, string[]> = {};
  for (const [name, fields] of proto) {
    const pkg = name.slice(0, name.lastIndexOf('.'));
    const version = KIND_PACKAGES[pkg];
    const first = fields[0];
    if (!version || NOT_KINDS.test(name) || first?.name !== 'metadata' || first.type !== 'meta.v1.ObjectMeta')
      continue;
    (kinds[version] ??= []).push(name.slice(pkg.length + 1));
  }
  // Every message the kinds reach, and nothing else.
  const messages: Record<string, TableField[]> = {};
  const queue = [
    ...Object.entries(kinds).flatMap(([v, ks]) =>
      ks.map((k) => `${Object.keys(KIND_PACKAGES).find((p) => KIND_PACKAGES[p] === v)}.${k}`),
    ),
    ...Object.values(OPTION_BODIES),
  ];
  const reach = (type: string): void => {
    const inner = /^map<[^,]+,(.+)>$/.exec(type)?.[1] ?? type;
    if (!SCALARS.has(inner) && !SPECIAL.includes(inner) && !(inner in messages)) queue.push(inner);
  };
  for (let name = queue.shift(); name; name = queue.shift()) {
    if (name in messages) continue;
    const fields = proto.get(name);
    if (!fields) throw new Error(`message ${name} is not in the proto files read`);
    const goFields = go.get(name);
    messages[name] = fields.map((f) => {
      const g = goFields?.get(f.number);
      const flags = `${f.repeated ? 'r' : ''}${g?.pointer ? 'p' : ''}${g?.omitempty ? 'o' : ''}${g?.omitzero ? 'z' : ''}${g?.inline ? 'i' : ''}`;
      reach(f.type);
      return [f.number, g?.inline ? '' : g?.json || f.name, f.type, flags];
    });
  }
  for (const list of Object.values(kinds)) list.sort();
  return { source: SOURCE, kinds, options: OPTION_BODIES, messages };
}

if (require.main === module) {
  const [apiDir, apimachineryDir] = process.argv.slice(2);
  if (!apiDir || !apimachineryDir) {
    console.error('usage: generate-protobuf.js API_DIR APIMACHINERY_DIR');
    process.exit(2);
  }
  const table = buildTable(apiDir, apimachineryDir);
  // One message per line: small, and a regeneration's diff reads message by message.
  const body = Object.entries(table.messages)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `    ${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(',\n');
  const text = `{\n  "source": ${JSON.stringify(table.source)},\n  "kinds": ${JSON.stringify(table.kinds)},\n  "options": ${JSON.stringify(table.options)},\n  "messages": {\n${body}\n  }\n}\n`;
  writeFileSync(PROTOBUF_TABLE_FILE, text);
  console.log(`${PROTOBUF_TABLE_FILE}: ${Object.keys(table.messages).length} messages`);
}

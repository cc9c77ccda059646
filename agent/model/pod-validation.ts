// Pod validation as the API server does it (pkg/apis/core/validation), for the fields this agent supports.
// Returns every problem found, with the field path and the message kubectl users know.
import { isIP } from 'node:net';
import { dns1123LabelProblems, dns1123SubdomainProblems } from './names';
import { fieldError, type FieldError } from './field-errors';
import { validateMetadataMaps } from './meta-validation';
import { validateEnv, validateEnvFrom } from './validation/env';
import { validateEphemeralContainers } from './validation/ephemeral-containers';
import { validateContainerPorts } from './validation/ports';
import { validateRestartPolicyAndProbes } from './validation/probes';
import { validateResources } from './validation/resources';
import { validateSecurityContext } from './validation/security-context';
import { validateVolumeMounts } from './validation/volume-mounts';
import { validateVolumeSource, volumeTypes } from './validation/volume-sources';
import type { Container, Pod } from './pod';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
/** pkg/apis/core/validation: MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars. */
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;
const MAX_SEARCH_CHARS = 2048;
/** What resolv.conf cannot carry: a space, tab or control character would start another option or line. */
const RESOLV_TOKEN = /^[\x21-\x7e]+$/;
/** math.MaxInt32: the bound of an int32 field, and of activeDeadlineSeconds (an int64) by validation. */
const MAX_INT32 = 2147483647;

function validateName(
  value: unknown,
  field: string,
  problems: (v: string) => string[],
  out: FieldError[],
): void {
  if (value === undefined || value === '') {
    out.push(fieldError('Required', field));
    return;
  }
  if (typeof value !== 'string') {
    out.push(fieldError('Invalid', field, value, 'must be a string'));
    return;
  }
  for (const p of problems(value)) out.push(fieldError('Invalid', field, value, p));
}

function validateContainer(
  c: Container,
  field: string,
  isInit: boolean,
  volumes: Set<string>,
  out: FieldError[],
): void {
  validateName(c.name, `${field}.name`, dns1123LabelProblems, out);
  if (typeof c.image !== 'string' || c.image === '') out.push(fieldError('Required', `${field}.image`));
  else if (c.image.trim() !== c.image) {
    out.push(
      fieldError('Invalid', `${field}.image`, c.image, 'must not have leading or trailing whitespace'),
    );
  }
  if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(c.imagePullPolicy)) {
    out.push(
      fieldError(
        'NotSupported',
        `${field}.imagePullPolicy`,
        c.imagePullPolicy,
        'supported values: "Always", "IfNotPresent", "Never"',
      ),
    );
  }
  for (const k of ['command', 'args'] as const) {
    const v = c[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))) {
      out.push(fieldError('Invalid', `${field}.${k}`, v, 'must be a list of strings'));
    }
  }
  validateRestartPolicyAndProbes(c, field, isInit, out);
  validateEnv(c.env, field, out);
  validateEnvFrom(c.envFrom, field, out);
  validateSecurityContext(c.securityContext, field, out);
  validateContainerPorts(c.ports, field, out);
  validateResources(c.resources, field, out);
  validateVolumeMounts(c.volumeMounts, field, volumes, out);
}

function validateContainers(pod: Pod, out: FieldError[]): void {
  const spec = pod.spec;
  const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
  const seen = new Set<string>();
  const check = (list: unknown, path: string, isInit: boolean): void => {
    if (list === undefined) return;
    if (!Array.isArray(list)) {
      out.push(fieldError('Invalid', path, list, 'must be a list'));
      return;
    }
    list.forEach((c: unknown, i) => {
      const field = `${path}[${i}]`;
      if (typeof c !== 'object' || c === null) {
        out.push(fieldError('Invalid', field, c, 'must be an object'));
        return;
      }
      const container = c as Container;
      validateContainer(container, field, isInit, volumes, out);
      if (typeof container.name === 'string' && container.name !== '') {
        if (seen.has(container.name)) out.push(fieldError('Duplicate', `${field}.name`, container.name));
        seen.add(container.name);
      }
    });
  };
  // Init containers are checked first: a clash names the init entry, as upstream does.
  check(spec.initContainers, 'spec.initContainers', true);
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) {
    out.push(fieldError('Required', 'spec.containers'));
  }
  check(spec.containers, 'spec.containers', false);
  const common = (c: Container, field: string): void => validateContainer(c, field, false, volumes, out);
  validateEphemeralContainers(pod, seen, common, out);
}

function validateVolumes(pod: Pod, out: FieldError[]): void {
  const names = new Set<string>();
  (pod.spec.volumes ?? []).forEach((v, i) => {
    const field = `spec.volumes[${i}]`;
    validateName(v?.name, `${field}.name`, dns1123LabelProblems, out);
    if (v?.name && names.has(v.name)) out.push(fieldError('Duplicate', `${field}.name`, v.name));
    if (v?.name) names.add(v.name);
    const types = volumeTypes(v);
    if (types.length === 0)
      out.push(
        fieldError(
          'Required',
          field,
          undefined,
          'must specify a volume type (emptyDir, hostPath, configMap, secret, downwardAPI, projected or persistentVolumeClaim are supported)',
        ),
      );
    for (const t of types.slice(1))
      out.push(
        fieldError('Forbidden', `${field}.${t}`, undefined, 'may not specify more than 1 volume type'),
      );
    if (v) validateVolumeSource(v, field, out);
    if (v?.hostPath && (typeof v.hostPath.path !== 'string' || !v.hostPath.path.startsWith('/'))) {
      out.push(fieldError('Invalid', `${field}.hostPath.path`, v.hostPath.path, 'must be an absolute path'));
    } else if (v?.hostPath?.path.includes(':')) {
      out.push(fieldError('Invalid', `${field}.hostPath.path`, v.hostPath.path, "must not contain ':'"));
    }
    const medium = v?.emptyDir?.medium;
    if (medium !== undefined && medium !== '' && medium !== 'Memory') {
      out.push(
        fieldError('NotSupported', `${field}.emptyDir.medium`, medium, 'supported values: "", "Memory"'),
      );
    }
  });
}

/** validatePodDNSConfig, plus what resolv.conf (a file the agent writes) cannot carry in an option. */
function validateDnsConfig(pod: Pod, out: FieldError[]): void {
  const cfg = pod.spec.dnsConfig;
  if (!cfg) return;
  const f = 'spec.dnsConfig';
  const servers = cfg.nameservers ?? [];
  if (servers.length > MAX_NAMESERVERS) {
    out.push(
      fieldError(
        'Invalid',
        `${f}.nameservers`,
        servers,
        `must not have more than ${MAX_NAMESERVERS} nameservers`,
      ),
    );
  }
  servers.forEach((ns, i) => {
    if (isIP(ns) === 0)
      out.push(
        fieldError(
          'Invalid',
          `${f}.nameservers[${i}]`,
          ns,
          'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        ),
      );
  });
  const searches = cfg.searches ?? [];
  if (searches.length > MAX_SEARCHES) {
    out.push(
      fieldError(
        'Invalid',
        `${f}.searches`,
        searches,
        `must not have more than ${MAX_SEARCHES} search paths`,
      ),
    );
  }
  if (searches.join(' ').length > MAX_SEARCH_CHARS) {
    out.push(
      fieldError(
        'Invalid',
        `${f}.searches`,
        searches,
        `must not have more than ${MAX_SEARCH_CHARS} characters (including spaces) in the search list`,
      ),
    );
  }
  searches.forEach((s, i) => {
    if (s === '.') return;
    for (const p of dns1123SubdomainProblems(s.replace(/\.$/, '')))
      out.push(fieldError('Invalid', `${f}.searches[${i}]`, s, p));
  });
  (cfg.options ?? []).forEach((o, i) => {
    if (!o?.name) {
      out.push(fieldError('Required', `${f}.options[${i}]`, undefined, 'Option.Name must not be empty'));
      return;
    }
    if (!RESOLV_TOKEN.test(o.name))
      out.push(
        fieldError(
          'Invalid',
          `${f}.options[${i}].name`,
          o.name,
          'must not contain spaces or control characters',
        ),
      );
    if (o.value !== undefined && o.value !== '' && !RESOLV_TOKEN.test(o.value))
      out.push(
        fieldError(
          'Invalid',
          `${f}.options[${i}].value`,
          o.value,
          'must not contain spaces or control characters',
        ),
      );
  });
}

export function validatePod(pod: Pod): FieldError[] {
  const out: FieldError[] = [];
  const meta = pod.metadata;
  validateName(meta.name, 'metadata.name', dns1123SubdomainProblems, out);
  validateName(meta.namespace, 'metadata.namespace', dns1123LabelProblems, out);
  validateMetadataMaps(meta, out);
  validateDnsConfig(pod, out);
  validateVolumes(pod, out);
  validateContainers(pod, out);
  const spec = pod.spec;
  if (!RESTART_POLICIES.includes(spec.restartPolicy)) {
    out.push(
      fieldError(
        'NotSupported',
        'spec.restartPolicy',
        spec.restartPolicy,
        'supported values: "Always", "OnFailure", "Never"',
      ),
    );
  }
  if (!DNS_POLICIES.includes(spec.dnsPolicy)) {
    out.push(
      fieldError(
        'NotSupported',
        'spec.dnsPolicy',
        spec.dnsPolicy,
        'supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
      ),
    );
  }
  const grace = spec.terminationGracePeriodSeconds;
  if (!Number.isInteger(grace) || grace < 0) {
    out.push(
      fieldError(
        'Invalid',
        'spec.terminationGracePeriodSeconds',
        grace,
        'must be greater than or equal to 0',
      ),
    );
  }
  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined && (!Number.isInteger(deadline) || deadline < 1 || deadline > MAX_INT32)) {
    out.push(
      fieldError(
        'Invalid',
        'spec.activeDeadlineSeconds',
        deadline,
        `must be between 1 and ${MAX_INT32}, inclusive`,
      ),
    );
  }
  if (spec.hostname !== undefined) validateName(spec.hostname, 'spec.hostname', dns1123LabelProblems, out);
  if (spec.subdomain !== undefined) validateName(spec.subdomain, 'spec.subdomain', dns1123LabelProblems, out);
  if (spec.dnsPolicy === 'None' && !spec.dnsConfig?.nameservers?.length) {
    out.push(
      fieldError(
        'Required',
        'spec.dnsConfig.nameservers',
        undefined,
        'must provide at least one DNS nameserver when `dnsPolicy` is None',
      ),
    );
  }
  return out;
}

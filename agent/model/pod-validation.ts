// Pod validation as the API server does it (pkg/apis/core/validation), for the fields this agent supports.
// Returns every problem found, with the field path and the message kubectl users know.
import { isIP } from 'node:net';
import { dns1123LabelProblems, dns1123SubdomainProblems } from './names';
import { fieldError, type FieldError } from './field-errors';
import { validateMetadataMaps } from './meta-validation';
import type { Container, Pod, Probe } from './pod';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const NOT_FOR_INIT = ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const;
/** RelaxedEnvironmentVariableValidation (GA in 1.34): printable ASCII except '='. */
const ENV_NAME = /^[\x20-\x3c\x3e-\x7e]+$/;
const ENV_NAME_TEXT =
  "a valid environment variable name must consist only of printable ASCII characters other than '='";
/** Linux's MAX_ARG_STRLEN (128 KiB with the terminating NUL): exec fails with one longer `NAME=value`. */
export const MAX_ENV_ENTRY_BYTES = 128 * 1024 - 1;
/** A container's whole environment, well under ARG_MAX (2 MiB), which it shares with the command line. */
export const MAX_ENV_TOTAL_BYTES = 1024 * 1024;
const MAX_ID = 2147483647;
/** pkg/apis/core/validation: MaxDNSNameservers, MaxDNSSearchPaths, MaxDNSSearchListChars. */
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;
const MAX_SEARCH_CHARS = 2048;
/** What resolv.conf cannot carry: a space, tab or control character would start another option or line. */
const RESOLV_TOKEN = /^[\x21-\x7e]+$/;

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

function validateProbe(p: Probe, field: string, isLivenessOrStartup: boolean, out: FieldError[]): void {
  const handlers = [p.exec, p.httpGet, p.tcpSocket].filter((h) => h !== undefined).length;
  if (handlers === 0) out.push(fieldError('Required', field, undefined, 'must specify a handler type'));
  if (handlers > 1)
    out.push(fieldError('Forbidden', field, undefined, 'may not specify more than 1 handler type'));
  for (const k of [
    'initialDelaySeconds',
    'timeoutSeconds',
    'periodSeconds',
    'successThreshold',
    'failureThreshold',
  ] as const) {
    const v = p[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
      out.push(fieldError('Invalid', `${field}.${k}`, v, 'must be greater than or equal to 0'));
    }
  }
  if (isLivenessOrStartup && p.successThreshold !== undefined && p.successThreshold !== 1) {
    out.push(fieldError('Invalid', `${field}.successThreshold`, p.successThreshold, 'must be 1'));
  }
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
  const sidecar = isInit && c.restartPolicy === 'Always';
  if (isInit && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
    out.push(
      fieldError('NotSupported', `${field}.restartPolicy`, c.restartPolicy, 'supported values: "Always"'),
    );
  }
  if (!isInit && c.restartPolicy !== undefined) {
    out.push(
      fieldError('Forbidden', `${field}.restartPolicy`, undefined, 'may not be set for non-init containers'),
    );
  }
  if (isInit && !sidecar) {
    for (const k of NOT_FOR_INIT) {
      if (c[k] !== undefined) {
        out.push(
          fieldError(
            'Forbidden',
            `${field}.${k}`,
            undefined,
            'may not be set for init containers without restartPolicy=Always',
          ),
        );
      }
    }
  } else {
    if (c.readinessProbe) validateProbe(c.readinessProbe, `${field}.readinessProbe`, false, out);
    if (c.livenessProbe) validateProbe(c.livenessProbe, `${field}.livenessProbe`, true, out);
    if (c.startupProbe) validateProbe(c.startupProbe, `${field}.startupProbe`, true, out);
  }
  let envBytes = 0;
  (c.env ?? []).forEach((e, i) => {
    const f = `${field}.env[${i}]`;
    if (!e || typeof e.name !== 'string' || e.name === '') {
      out.push(fieldError('Required', `${f}.name`));
      return;
    }
    if (!ENV_NAME.test(e.name)) out.push(fieldError('Invalid', `${f}.name`, e.name, ENV_NAME_TEXT));
    const bytes =
      Buffer.byteLength(e.name) + 1 + (typeof e.value === 'string' ? Buffer.byteLength(e.value) : 0);
    envBytes += bytes;
    if (bytes > MAX_ENV_ENTRY_BYTES) {
      out.push(
        fieldError(
          'TooLong',
          `${f}.value`,
          undefined,
          `may not be more than ${MAX_ENV_ENTRY_BYTES} bytes with its name (the kernel's limit for one environment string)`,
        ),
      );
    }
  });
  if (envBytes > MAX_ENV_TOTAL_BYTES) {
    out.push(
      fieldError(
        'TooLong',
        `${field}.env`,
        undefined,
        `may not be more than ${MAX_ENV_TOTAL_BYTES} bytes in all`,
      ),
    );
  }
  const sc = c.securityContext;
  for (const k of ['runAsUser', 'runAsGroup'] as const) {
    const v = sc?.[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > MAX_ID)) {
      out.push(
        fieldError(
          'Invalid',
          `${field}.securityContext.${k}`,
          v,
          `must be between 0 and ${MAX_ID}, inclusive`,
        ),
      );
    }
  }
  (c.ports ?? []).forEach((p, i) => {
    const port = p?.containerPort;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      out.push(
        fieldError(
          'Invalid',
          `${field}.ports[${i}].containerPort`,
          port,
          'must be between 1 and 65535, inclusive',
        ),
      );
    }
  });
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const f = `${field}.volumeMounts[${i}]`;
    if (!m?.name) out.push(fieldError('Required', `${f}.name`));
    else if (!volumes.has(m.name)) out.push(fieldError('NotFound', `${f}.name`, m.name));
    if (!m?.mountPath) out.push(fieldError('Required', `${f}.mountPath`));
    else {
      if (mountPaths.has(m.mountPath))
        out.push(fieldError('Invalid', `${f}.mountPath`, m.mountPath, 'must be unique'));
      mountPaths.add(m.mountPath);
      // The engine's bind syntax is source:target[:options]: a ':' would smuggle in options.
      if (m.mountPath.includes(':'))
        out.push(fieldError('Invalid', `${f}.mountPath`, m.mountPath, "must not contain ':'"));
    }
  });
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
}

function validateVolumes(pod: Pod, out: FieldError[]): void {
  const names = new Set<string>();
  (pod.spec.volumes ?? []).forEach((v, i) => {
    const field = `spec.volumes[${i}]`;
    validateName(v?.name, `${field}.name`, dns1123LabelProblems, out);
    if (v?.name && names.has(v.name)) out.push(fieldError('Duplicate', `${field}.name`, v.name));
    if (v?.name) names.add(v.name);
    const sources = [v?.emptyDir, v?.hostPath].filter((s) => s !== undefined).length;
    if (sources === 0)
      out.push(
        fieldError(
          'Required',
          field,
          undefined,
          'must specify a volume type (emptyDir or hostPath are supported)',
        ),
      );
    if (sources > 1)
      out.push(
        fieldError('Forbidden', `${field}.hostPath`, undefined, 'may not specify more than 1 volume type'),
      );
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

// Ingress and IngressClass validation as upstream's pkg/apis/networking/validation words it (for v1 requests:
// no leniency for invalid secret names or wildcard-host rules), and the IngressClass default (a parameters
// reference without a scope is Cluster-scoped).
import { isIP } from 'node:net';
import { type FieldError, GoSyntax, fieldError } from './field-errors';
import type {
  HTTPIngressPath,
  Ingress,
  IngressBackend,
  IngressClass,
  IngressClassParametersReference,
  IngressRule,
  IngressTLS,
  TypedLocalObjectReference,
} from './ingress';
import { CLASS_ANNOTATION } from './ingress';
import { validateMetadataMaps, validateObjectName } from './meta-validation';
import {
  dns1035LabelProblems,
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  portNameProblems,
} from './names';

const SUBDOMAIN_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const WILDCARD_SUBDOMAIN = new RegExp(`^\\*\\.${SUBDOMAIN_FMT}$`);
const WILDCARD_TEXT =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

/** IsWildcardDNS1123Subdomain: `*.example.com`. */
export function wildcardSubdomainProblems(v: string): string[] {
  const out: string[] = [];
  if (v.length > 253) out.push('must be no more than 253 characters');
  if (!WILDCARD_SUBDOMAIN.test(v))
    out.push(
      `${WILDCARD_TEXT} (e.g. '*.example.com', regex used for validation is '\\*\\.${SUBDOMAIN_FMT}')`,
    );
  return out;
}

/** A host with a `*` is held to the wildcard rule, any other to the subdomain rule. */
const hostProblems = (host: string): string[] =>
  host.includes('*') ? wildcardSubdomainProblems(host) : dns1123SubdomainProblems(host);

/** IsValidPathSegmentName: a name that can be a URL path segment. */
function pathSegmentProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateTypedReference(ref: TypedLocalObjectReference, f: string, out: FieldError[]): void {
  if (ref.apiGroup !== undefined)
    for (const p of dns1123SubdomainProblems(ref.apiGroup))
      out.push(fieldError('Invalid', `${f}.apiGroup`, ref.apiGroup, p));
  for (const key of ['kind', 'name'] as const) {
    const v = ref[key] ?? '';
    if (!v) out.push(fieldError('Required', `${f}.${key}`, undefined, `${key} is required`));
    else for (const p of pathSegmentProblems(v)) out.push(fieldError('Invalid', `${f}.${key}`, v, p));
  }
}

function validateBackend(b: IngressBackend, f: string, out: FieldError[]): void {
  if (b.resource && b.service) {
    out.push(fieldError('Invalid', f, '', 'cannot set both resource and service backends'));
    return;
  }
  if (b.resource) return validateTypedReference(b.resource, `${f}.resource`, out);
  if (!b.service) {
    out.push(fieldError('Invalid', f, '', 'resource or service backend is required'));
    return;
  }
  const { name = '', port = {} } = b.service;
  if (!name) out.push(fieldError('Required', `${f}.service.name`));
  else
    for (const p of dns1035LabelProblems(name)) out.push(fieldError('Invalid', `${f}.service.name`, name, p));
  const portName = port.name ?? '';
  const portNumber = port.number ?? 0;
  if (portName && portNumber)
    out.push(fieldError('Invalid', f, '', 'cannot set both port name & port number'));
  else if (portName)
    for (const p of portNameProblems(portName))
      out.push(fieldError('Invalid', `${f}.service.port.name`, portName, p));
  else if (portNumber) {
    if (portNumber < 1 || portNumber > 65535)
      out.push(
        fieldError(
          'Invalid',
          `${f}.service.port.number`,
          portNumber,
          'must be between 1 and 65535, inclusive',
        ),
      );
  } else out.push(fieldError('Required', f, undefined, 'port name or number is required'));
}

function validatePath(path: HTTPIngressPath, f: string, out: FieldError[]): void {
  if (path.pathType === undefined) {
    out.push(fieldError('Required', `${f}.pathType`, undefined, 'pathType must be specified'));
    return;
  }
  const p = path.path ?? '';
  const invalid = (detail: string): void => void out.push(fieldError('Invalid', `${f}.path`, p, detail));
  switch (path.pathType) {
    case 'Exact':
    case 'Prefix':
      if (!p.startsWith('/')) invalid('must be an absolute path');
      if (p) {
        for (const seq of INVALID_PATH_SEQUENCES) if (p.includes(seq)) invalid(`must not contain '${seq}'`);
        for (const suffix of INVALID_PATH_SUFFIXES)
          if (p.endsWith(suffix)) invalid(`cannot end with '${suffix}'`);
      }
      break;
    case 'ImplementationSpecific':
      if (p && !p.startsWith('/')) invalid('must be an absolute path');
      break;
    default:
      out.push(
        fieldError(
          'NotSupported',
          `${f}.pathType`,
          path.pathType,
          `supported values: ${PATH_TYPES.map((t) => `"${t}"`).join(', ')}`,
        ),
      );
  }
  validateBackend(path.backend ?? {}, `${f}.backend`, out);
}

function validateRules(rules: IngressRule[], out: FieldError[]): void {
  rules.forEach((rule, i) => {
    const f = `spec.rules[${i}]`;
    const host = rule.host ?? '';
    if (host) {
      if (isIP(host))
        out.push(fieldError('Invalid', `${f}.host`, host, 'must be a DNS name, not an IP address'));
      for (const p of hostProblems(host)) out.push(fieldError('Invalid', `${f}.host`, host, p));
    }
    if (!rule.http) return;
    const paths = rule.http.paths ?? [];
    if (paths.length === 0) out.push(fieldError('Required', `${f}.http.paths`));
    paths.forEach((path, j) => validatePath(path, `${f}.http.paths[${j}]`, out));
  });
}

function validateTls(tls: IngressTLS[], out: FieldError[]): void {
  tls.forEach((t, i) => {
    (t.hosts ?? []).forEach((host, j) => {
      for (const p of hostProblems(host))
        out.push(fieldError('Invalid', `spec.tls[${i}].hosts[${j}]`, host, p));
    });
    if (t.secretName)
      for (const p of dns1123SubdomainProblems(t.secretName))
        out.push(fieldError('Invalid', `spec.tls[${i}].secretName`, t.secretName, p));
  });
}

/** ValidateIngress's spec part (ValidateIngressSpec). */
export function validateIngressSpec(ing: Ingress): FieldError[] {
  const out: FieldError[] = [];
  const { rules = [], defaultBackend, tls = [], ingressClassName } = ing.spec;
  if (rules.length === 0 && !defaultBackend)
    out.push(
      fieldError(
        'Invalid',
        'spec',
        new GoSyntax(`[]networking.IngressRule${ing.spec.rules ? '{}' : '(nil)'}`),
        'either `defaultBackend` or `rules` must be specified',
      ),
    );
  if (defaultBackend) validateBackend(defaultBackend, 'spec.defaultBackend', out);
  validateRules(rules, out);
  validateTls(tls, out);
  if (ingressClassName !== undefined)
    for (const p of dns1123SubdomainProblems(ingressClassName))
      out.push(fieldError('Invalid', 'spec.ingressClassName', ingressClassName, p));
  return out;
}

/** ValidateIngress: metadata (a namespaced DNS-subdomain name) and spec. */
export function validateIngress(ing: Ingress): FieldError[] {
  const out: FieldError[] = [];
  validateObjectName(ing.metadata.name, 'metadata.name', dns1123SubdomainProblems, out);
  validateMetadataMaps(ing.metadata, out);
  return [...out, ...validateIngressSpec(ing)];
}

/** ValidateIngressCreate: also, the deprecated class annotation may not be set beside spec.ingressClassName. */
export function validateIngressCreate(ing: Ingress): FieldError[] {
  const out = validateIngress(ing);
  const annotation = ing.metadata.annotations?.[CLASS_ANNOTATION];
  if (annotation !== undefined && ing.spec.ingressClassName !== undefined)
    out.push(
      fieldError(
        'Invalid',
        `annotations.${CLASS_ANNOTATION}`,
        annotation,
        'can not be set when the class field is also set',
      ),
    );
  return out;
}

const PATH_CHARS = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

/** IsDomainPrefixedPath: `example.com/ingress-controller`. */
function validateController(controller: string, out: FieldError[]): void {
  const f = 'spec.controller';
  if (controller.length > 250)
    out.push(fieldError('TooLong', f, controller, 'may not be more than 250 bytes'));
  if (!controller) {
    out.push(fieldError('Required', f));
    return;
  }
  const slash = controller.indexOf('/');
  const host = slash < 0 ? controller : controller.slice(0, slash);
  const path = slash < 0 ? '' : controller.slice(slash + 1);
  if (!host || !path) {
    out.push(fieldError('Invalid', f, controller, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    return;
  }
  for (const p of dns1123SubdomainProblems(host)) out.push(fieldError('Invalid', f, host, p));
  if (!PATH_CHARS.test(path))
    out.push(
      fieldError(
        'Invalid',
        f,
        path,
        "Invalid path: must match the regex [A-Za-z0-9/\\-._~%!$&'()*+,;=:]+ (e.g. '/', or '/foo')",
      ),
    );
}

function validateParameters(params: IngressClassParametersReference, out: FieldError[]): void {
  const f = 'spec.parameters';
  validateTypedReference(params, f, out);
  if (params.scope === undefined) {
    out.push(fieldError('Required', `${f}.scope`));
    return;
  }
  if (params.scope !== 'Cluster' && params.scope !== 'Namespace') {
    out.push(
      fieldError('NotSupported', `${f}.scope`, params.scope, 'supported values: "Cluster", "Namespace"'),
    );
    return;
  }
  if (params.scope === 'Namespace') {
    if (params.namespace === undefined)
      out.push(
        fieldError('Required', `${f}.namespace`, undefined, "`parameters.scope` is set to 'Namespace'"),
      );
    else
      for (const p of dns1123LabelProblems(params.namespace))
        out.push(fieldError('Invalid', `${f}.namespace`, params.namespace, p));
  } else if (params.namespace !== undefined)
    out.push(fieldError('Forbidden', `${f}.namespace`, undefined, "`parameters.scope` is set to 'Cluster'"));
}

/** SetDefaults_IngressClass: a parameters reference without a scope is Cluster-scoped. */
export function applyIngressClassDefaults(ic: IngressClass): void {
  if (ic.spec.parameters && ic.spec.parameters.scope === undefined) ic.spec.parameters.scope = 'Cluster';
}

/** ValidateIngressClass: a cluster-scoped DNS-subdomain name, a domain-prefixed controller, the parameters. */
export function validateIngressClass(ic: IngressClass): FieldError[] {
  const out: FieldError[] = [];
  validateObjectName(ic.metadata.name, 'metadata.name', dns1123SubdomainProblems, out);
  validateMetadataMaps(ic.metadata, out);
  validateController(ic.spec.controller ?? '', out);
  if (ic.spec.parameters) validateParameters(ic.spec.parameters, out);
  return out;
}

/** ValidateIngressClassUpdate's own rule: the controller is immutable. */
export function validateIngressClassUpdate(next: IngressClass, old: IngressClass): FieldError[] {
  const out: FieldError[] = [];
  if ((next.spec.controller ?? '') !== (old.spec.controller ?? ''))
    out.push(fieldError('Invalid', 'spec.controller', next.spec.controller ?? '', 'field is immutable'));
  return [...out, ...validateIngressClass(next)];
}

// Service defaults and validation (pkg/apis/core/validation ValidateService), for ClusterIP Services.
import { fieldError, type FieldError } from './field-errors';
import { validateLabels, validateMetadataMaps } from './meta-validation';
import { dns1035LabelProblems, dns1123LabelProblems, portNameProblems } from './names';
import type { Service, ServicePort } from './service';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];

const validPort = (p: unknown): p is number =>
  Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65535;

export function applyServiceDefaults(svc: Service): Service {
  const spec = svc.spec;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  spec.internalTrafficPolicy ??= 'Cluster';
  spec.ipFamilies = ['IPv4'];
  spec.ipFamilyPolicy = 'SingleStack';
  spec.ports ??= [];
  for (const p of spec.ports) {
    if (typeof p !== 'object' || p === null) continue;
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  svc.status = { loadBalancer: {} };
  return svc;
}

function validatePort(
  p: ServicePort,
  i: number,
  out: FieldError[],
  names: Set<string>,
  multi: boolean,
): void {
  const f = `spec.ports[${i}]`;
  if (p.name !== undefined && p.name !== '') {
    for (const problem of dns1123LabelProblems(p.name))
      out.push(fieldError('Invalid', `${f}.name`, p.name, problem));
    if (names.has(p.name)) out.push(fieldError('Duplicate', `${f}.name`, p.name));
    names.add(p.name);
  } else if (multi) {
    out.push(fieldError('Required', `${f}.name`));
  }
  if (!validPort(p.port))
    out.push(fieldError('Invalid', `${f}.port`, p.port, 'must be between 1 and 65535, inclusive'));
  if (!PROTOCOLS.includes(p.protocol))
    out.push(
      fieldError('NotSupported', `${f}.protocol`, p.protocol, 'supported values: "SCTP", "TCP", "UDP"'),
    );
  const t = p.targetPort;
  if (typeof t === 'number') {
    if (!validPort(t))
      out.push(fieldError('Invalid', `${f}.targetPort`, t, 'must be between 1 and 65535, inclusive'));
  } else if (typeof t === 'string') {
    for (const problem of portNameProblems(t)) out.push(fieldError('Invalid', `${f}.targetPort`, t, problem));
  } else {
    out.push(fieldError('Invalid', `${f}.targetPort`, t, 'must be an integer or a port name'));
  }
}

export function validateService(svc: Service): FieldError[] {
  const out: FieldError[] = [];
  const m = svc.metadata;
  if (!m.name)
    out.push(fieldError('Required', 'metadata.name', undefined, 'name or generateName is required'));
  else
    for (const p of dns1035LabelProblems(m.name)) out.push(fieldError('Invalid', 'metadata.name', m.name, p));
  for (const p of dns1123LabelProblems(m.namespace))
    out.push(fieldError('Invalid', 'metadata.namespace', m.namespace, p));
  validateMetadataMaps(m, out);
  const spec = svc.spec;
  if (spec.type !== 'ClusterIP')
    out.push(fieldError('NotSupported', 'spec.type', spec.type, 'supported values: "ClusterIP"'));
  const headless = spec.clusterIP === 'None';
  if (!Array.isArray(spec.ports)) {
    out.push(fieldError('Invalid', 'spec.ports', spec.ports, 'must be a list'));
    return out;
  }
  if (spec.ports.length === 0 && !headless) out.push(fieldError('Required', 'spec.ports'));
  const names = new Set<string>();
  const seen = new Set<string>();
  spec.ports.forEach((p, i) => {
    validatePort(p, i, out, names, spec.ports.length > 1);
    if (spec.type === 'ClusterIP' && p.nodePort !== undefined && p.nodePort !== 0) {
      const detail = "may not be used when `type` is 'ClusterIP'";
      out.push(fieldError('Forbidden', `spec.ports[${i}].nodePort`, undefined, detail));
    }
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key))
      out.push(fieldError('Duplicate', `spec.ports[${i}]`, { port: p.port, protocol: p.protocol }));
    seen.add(key);
  });
  if (!['None', 'ClientIP'].includes(spec.sessionAffinity)) {
    out.push(
      fieldError(
        'NotSupported',
        'spec.sessionAffinity',
        spec.sessionAffinity,
        'supported values: "ClientIP", "None"',
      ),
    );
  }
  const ip = spec.clusterIP;
  if (ip !== undefined && ip !== '' && ip !== 'None' && !/^(\d{1,3})(\.\d{1,3}){3}$/.test(ip)) {
    out.push(
      fieldError(
        'Invalid',
        'spec.clusterIP',
        ip,
        'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      ),
    );
  }
  for (const [k, v] of Object.entries(spec.selector ?? {})) {
    if (typeof v !== 'string') out.push(fieldError('Invalid', `spec.selector[${k}]`, v, 'must be a string'));
  }
  validateLabels(spec.selector, 'spec.selector', out);
  return out;
}

// Structural checks on decoded JSON before defaults and validation touch it: wrong types become field
// errors instead of exceptions deep inside the agent.
import { fieldError, type FieldError } from './field-errors';

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Shape {
  type: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'stringMap' | 'intOrString' | 'any';
  fields?: Record<string, Shape>;
  items?: Shape;
}

const typeName: Record<Shape['type'], string> = {
  object: 'object',
  array: 'array',
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  stringMap: 'map of strings',
  intOrString: 'integer or string',
  any: 'value',
};

export function checkShape(value: unknown, shape: Shape, path: string, out: FieldError[]): void {
  if (value === undefined || value === null || shape.type === 'any') return;
  const bad = (): void => {
    out.push(fieldError('Invalid', path, value, `must be a ${typeName[shape.type]}`));
  };
  switch (shape.type) {
    case 'object':
      if (!isObject(value)) return bad();
      for (const [k, s] of Object.entries(shape.fields ?? {}))
        checkShape(value[k], s, path ? `${path}.${k}` : k, out);
      return;
    case 'array':
      if (!Array.isArray(value)) return bad();
      value.forEach((v: unknown, i) => shape.items && checkShape(v, shape.items, `${path}[${i}]`, out));
      return;
    case 'stringMap':
      if (!isObject(value)) return bad();
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') out.push(fieldError('Invalid', `${path}[${k}]`, v, 'must be a string'));
      }
      return;
    case 'intOrString':
      if (typeof value !== 'string' && !Number.isInteger(value)) bad();
      return;
    case 'string':
    case 'number':
    case 'boolean':
      if (typeof value !== shape.type) bad();
      return;
  }
}

const str: Shape = { type: 'string' };
const num: Shape = { type: 'number' };
const bool: Shape = { type: 'boolean' };
const strings: Shape = { type: 'array', items: str };
const obj = (fields: Record<string, Shape>): Shape => ({ type: 'object', fields });
const list = (items: Shape): Shape => ({ type: 'array', items });

const handler = obj({
  exec: obj({ command: strings }),
  httpGet: obj({
    path: str,
    port: { type: 'intOrString' },
    host: str,
    scheme: str,
    httpHeaders: list(obj({ name: str, value: str })),
  }),
  tcpSocket: obj({ port: { type: 'intOrString' }, host: str }),
});
const probe: Shape = {
  type: 'object',
  fields: {
    ...handler.fields,
    initialDelaySeconds: num,
    timeoutSeconds: num,
    periodSeconds: num,
    successThreshold: num,
    failureThreshold: num,
    terminationGracePeriodSeconds: num,
  },
};

const container = obj({
  name: str,
  image: str,
  command: strings,
  args: strings,
  workingDir: str,
  env: list(
    obj({ name: str, value: str, valueFrom: obj({ fieldRef: obj({ fieldPath: str, apiVersion: str }) }) }),
  ),
  ports: list(obj({ name: str, containerPort: num, protocol: str, hostPort: num, hostIP: str })),
  volumeMounts: list(obj({ name: str, mountPath: str, readOnly: bool, subPath: str })),
  resources: obj({ limits: obj({}), requests: obj({}) }),
  imagePullPolicy: str,
  securityContext: obj({
    runAsUser: num,
    runAsGroup: num,
    runAsNonRoot: bool,
    readOnlyRootFilesystem: bool,
    privileged: bool,
    allowPrivilegeEscalation: bool,
    capabilities: obj({ add: strings, drop: strings }),
  }),
  readinessProbe: probe,
  livenessProbe: probe,
  startupProbe: probe,
  lifecycle: obj({ postStart: handler, preStop: handler }),
  restartPolicy: str,
  terminationMessagePath: str,
  terminationMessagePolicy: str,
  stdin: bool,
  tty: bool,
});

export const METADATA_SHAPE = obj({
  name: str,
  generateName: str,
  namespace: str,
  labels: { type: 'stringMap' },
  annotations: { type: 'stringMap' },
  resourceVersion: str,
});

export const POD_SHAPE = obj({
  metadata: METADATA_SHAPE,
  spec: obj({
    containers: list(container),
    initContainers: list(container),
    volumes: list(
      obj({
        name: str,
        emptyDir: obj({ medium: str, sizeLimit: { type: 'intOrString' } }),
        hostPath: obj({ path: str, type: str }),
      }),
    ),
    restartPolicy: str,
    terminationGracePeriodSeconds: num,
    activeDeadlineSeconds: num,
    dnsPolicy: str,
    dnsConfig: obj({
      nameservers: strings,
      searches: strings,
      options: list(obj({ name: str, value: str })),
    }),
    hostname: str,
    subdomain: str,
    nodeName: str,
    schedulerName: str,
    hostNetwork: bool,
    hostPID: bool,
    hostIPC: bool,
    enableServiceLinks: bool,
  }),
});

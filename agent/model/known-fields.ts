// The field names of the Kubernetes v1 schema for the kinds this agent serves, for the API server's
// fieldValidation (Strict: 400; Warn: a warning and the field dropped; Ignore: dropped silently). This is
// the real schema, not what the agent implements: a field Kubernetes knows (nodeSelector, affinity) is
// kept even where the agent ignores it. Subtrees marked OPEN are not checked.
import { isObject } from './shape';

const OPEN = true;
type Schema = { [field: string]: Schema | typeof OPEN | [Schema] };

const names = (list: string, schema: Schema = {}): Schema =>
  Object.fromEntries([...list.split(' ').map((f) => [f, OPEN] as const), ...Object.entries(schema)]);

const meta = names(
  'name generateName namespace selfLink uid resourceVersion generation creationTimestamp deletionTimestamp ' +
    'deletionGracePeriodSeconds labels annotations ownerReferences finalizers managedFields',
);

const handler: Schema = {
  exec: names('command'),
  httpGet: names('path port host scheme', { httpHeaders: [names('name value')] }),
  tcpSocket: names('port host'),
  sleep: names('seconds'),
};
const probe: Schema = {
  ...handler,
  grpc: names('port service'),
  ...names(
    'initialDelaySeconds timeoutSeconds periodSeconds successThreshold failureThreshold terminationGracePeriodSeconds',
  ),
};

const container = names(
  'name image command args workingDir envFrom resources resizePolicy restartPolicy restartPolicyRules ' +
    'volumeDevices terminationMessagePath terminationMessagePolicy imagePullPolicy securityContext stdin ' +
    'stdinOnce tty targetContainerName',
  {
    ports: [names('name hostPort containerPort protocol hostIP')],
    env: [names('name value valueFrom')],
    volumeMounts: [names('name readOnly recursiveReadOnly mountPath subPath mountPropagation subPathExpr')],
    livenessProbe: probe,
    readinessProbe: probe,
    startupProbe: probe,
    lifecycle: { postStart: handler, preStop: handler, stopSignal: OPEN },
  },
);

const volume = names(
  'name gcePersistentDisk awsElasticBlockStore gitRepo secret nfs iscsi glusterfs persistentVolumeClaim rbd ' +
    'flexVolume cinder cephfs flocker downwardAPI fc azureFile configMap vsphereVolume quobyte azureDisk ' +
    'photonPersistentDisk projected portworxVolume scaleIO storageos csi ephemeral image',
  { hostPath: names('path type'), emptyDir: names('medium sizeLimit') },
);

const podSpec = names(
  'restartPolicy terminationGracePeriodSeconds activeDeadlineSeconds dnsPolicy nodeSelector serviceAccountName ' +
    'serviceAccount automountServiceAccountToken nodeName hostNetwork hostPID hostIPC shareProcessNamespace ' +
    'securityContext imagePullSecrets hostname subdomain affinity schedulerName tolerations hostAliases ' +
    'priorityClassName priority readinessGates runtimeClassName enableServiceLinks preemptionPolicy overhead ' +
    'topologySpreadConstraints setHostnameAsFQDN os hostUsers schedulingGates resourceClaims resources ' +
    'hostnameOverride',
  {
    containers: [container],
    initContainers: [container],
    ephemeralContainers: [container],
    volumes: [volume],
    dnsConfig: names('nameservers searches', { options: [names('name value')] }),
  },
);

const serviceSpec = names(
  'selector clusterIP clusterIPs type externalIPs sessionAffinity loadBalancerIP loadBalancerSourceRanges ' +
    'externalName externalTrafficPolicy healthCheckNodePort publishNotReadyAddresses sessionAffinityConfig ' +
    'ipFamilies ipFamilyPolicy allocateLoadBalancerNodePorts loadBalancerClass internalTrafficPolicy ' +
    'trafficDistribution',
  { ports: [names('name protocol appProtocol port targetPort nodePort')] },
);

const top = (spec: Schema): Schema => names('apiVersion kind status', { metadata: meta, spec });

const SCHEMAS: Record<string, Schema> = {
  Pod: top(podSpec),
  Service: top(serviceSpec),
  Namespace: top(names('finalizers')),
};

function walk(value: unknown, schema: Schema, path: string, out: string[], drop: boolean): void {
  if (!isObject(value)) return;
  for (const [k, v] of Object.entries(value)) {
    const field = path ? `${path}.${k}` : k;
    const s = schema[k];
    if (s === undefined) {
      out.push(field);
      if (drop) delete value[k];
    } else if (Array.isArray(s)) {
      if (Array.isArray(v)) v.forEach((item, i) => walk(item, s[0], `${field}[${i}]`, out, drop));
    } else if (s !== OPEN) walk(v, s, field, out, drop);
  }
}

/** Paths of the fields the kind's schema does not know (`spec.containers[0].imagee`), in document order. */
export function unknownFields(kind: string, obj: unknown): string[] {
  const out: string[] = [];
  const schema = SCHEMAS[kind];
  if (schema) walk(obj, schema, '', out, false);
  return out;
}

/** Removes the unknown fields in place (what the API server does when it does not reject them). */
export function dropUnknownFields(kind: string, obj: unknown): string[] {
  const out: string[] = [];
  const schema = SCHEMAS[kind];
  if (schema) walk(obj, schema, '', out, true);
  return out;
}

// Fields of the upstream Pod, Service and ObjectMeta schemas (schema.ts) that the agent does not act on:
// decoding type-checks them (shape.ts) and they are stored and served back unchanged, but the hand-written
// types (pod.ts, service.ts, meta.ts), which name what the agent understands, leave them out. Each is listed
// once, as `Definition.field`, under the reason. test/unit/agent/model/schema.spec.ts fails (to compile)
// when an upstream field is neither in the hand-written types nor listed here, or is in both; and at run
// time when an entry here is not an upstream field.

export const UNSUPPORTED_FIELDS = {
  'one node, a scheduler of filters, priorities and preemption only (agent/scheduler/): spreading has nothing to choose between':
    [
      'PodSpec.topologySpreadConstraints',
      'PodSpec.schedulingGates',
      'PodSpec.runtimeClassName',
      'PodSpec.os',
    ],
  'env from files and resource fields not implemented yet (ConfigMap and Secret keys are)': [
    'EnvVarSource.fileKeyRef',
    'EnvVarSource.resourceFieldRef',
  ],
  'volume types other than emptyDir, hostPath, configMap, secret, downwardAPI, projected and persistentVolumeClaim: no storage drivers on this node':
    [
      'Volume.awsElasticBlockStore',
      'Volume.azureDisk',
      'Volume.azureFile',
      'Volume.cephfs',
      'Volume.cinder',
      'Volume.csi',
      'Volume.ephemeral',
      'Volume.fc',
      'Volume.flexVolume',
      'Volume.flocker',
      'Volume.gcePersistentDisk',
      'Volume.gitRepo',
      'Volume.glusterfs',
      'Volume.image',
      'Volume.iscsi',
      'Volume.nfs',
      'Volume.photonPersistentDisk',
      'Volume.portworxVolume',
      'Volume.quobyte',
      'Volume.rbd',
      'Volume.scaleIO',
      'Volume.storageos',
      'Volume.vsphereVolume',
      'Container.volumeDevices',
      'VolumeMount.mountPropagation',
      'VolumeMount.recursiveReadOnly',
    ],
  'projected sources without an issuer here (no trust bundles or pod certificates)': [
    'VolumeProjection.clusterTrustBundle',
    'VolumeProjection.podCertificate',
  ],
  'security features the Docker adapter does not set (pod-level context, LSM profiles, user namespaces)': [
    'PodSpec.securityContext',
    'PodSpec.hostUsers',
    'PodSpec.shareProcessNamespace',
    'SecurityContext.appArmorProfile',
    'SecurityContext.procMount',
    'SecurityContext.seLinuxOptions',
    'SecurityContext.seccompProfile',
    'SecurityContext.windowsOptions',
  ],
  'newer or alpha container features not implemented yet (Kubernetes 1.29-1.34)': [
    'PodSpec.hostAliases',
    'PodSpec.hostnameOverride',
    'PodSpec.setHostnameAsFQDN',
    'PodSpec.readinessGates',
    'PodSpec.resourceClaims',
    'PodSpec.resources',
    'ResourceRequirements.claims',
    'Container.resizePolicy',
    'Container.restartPolicyRules',
    'Lifecycle.stopSignal',
    'LifecycleHandler.sleep',
    'Probe.grpc',
  ],
  'ClusterIP Services only: no node ports, load balancers or external names': [
    'ServiceSpec.allocateLoadBalancerNodePorts',
    'ServiceSpec.externalIPs',
    'ServiceSpec.externalName',
    'ServiceSpec.externalTrafficPolicy',
    'ServiceSpec.healthCheckNodePort',
    'ServiceSpec.loadBalancerClass',
    'ServiceSpec.loadBalancerIP',
    'ServiceSpec.loadBalancerSourceRanges',
    'ServiceSpec.trafficDistribution',
    'ServicePort.nodePort',
    'ServicePort.appProtocol',
    'ServiceSpec.sessionAffinityConfig',
  ],
  'never set by this server (no self links)': ['ObjectMeta.selfLink'],
  'kept as sent (not typed in ObjectMeta); the garbage collector (agent/controllers/gc/) acts on ownerReferences and the orphan/foregroundDeletion finalizers, on no other finalizer':
    ['ObjectMeta.ownerReferences', 'ObjectMeta.finalizers'],
} as const satisfies Record<string, readonly string[]>;

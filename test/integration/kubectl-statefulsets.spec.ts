// The real kubectl 1.35 with StatefulSets and their claims on the memory runtime (no container starts): apply,
// `rollout status sts` to the end, `get sts` / `get pvc` as upstream prints them, `scale sts`.
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl, workloadManifest } from '../helpers/kubectl';

const manifest = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
---
${workloadManifest('StatefulSet', 'web', '  serviceName: web\n  replicas: 2\n').replace('busybox:1.0', 'busybox:latest')}        volumeMounts: [{name: www, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

describe('kubectl 1.35: StatefulSets and PersistentVolumeClaims (memory runtime)', function () {
  this.timeout(120_000);
  const agent = memoryAgentForKubectl();
  const { kubectl, ok } = kubectlOf('35', () => agent);

  it('applies a StatefulSet, waits for its rollout, lists its pods and bound claims, scales it down', async () => {
    expect(await ok(['apply', '-f', '-'], manifest)).to.contain('statefulset.apps/web created');
    const rollout = await kubectl(['rollout', 'status', 'statefulset/web', '--timeout=60s']);
    const dump = `${rollout.stdout}${rollout.stderr}${(await kubectl(['get', 'sts,pods,pvc', '-o', 'yaml'])).stdout}`;
    expect(rollout.stdout, dump).to.contain('partitioned roll out complete: 2 new pods have been updated');
    expect(await ok(['get', 'statefulset', 'web'])).to.match(/^web\s+2\/2\s+\S+$/m);
    expect(await ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])).to.equal('pod/web-0\npod/web-1\n');
    const claims = await ok(['get', 'pvc']);
    expect(claims).to.match(/^NAME\s+STATUS\s+VOLUME\s+CAPACITY\s+ACCESS MODES\s+STORAGECLASS/m);
    expect(claims).to.match(/^www-web-0\s+Bound\s+pvc-[0-9a-f-]+\s+1Gi\s+RWO\s/m);
    expect(claims).to.match(/^www-web-1\s+Bound\s+/m);

    expect(await ok(['scale', 'statefulset', 'web', '--replicas=1'])).to.contain('scaled');
    const deadline = Date.now() + 30_000;
    let pods = '';
    while ((pods = await ok(['get', 'pods', '-l', 'app=web', '-o', 'name'])) !== 'pod/web-0\n') {
      expect(Date.now(), `web-1 to go, pods: ${pods}`).to.be.below(deadline);
      await new Promise((r) => setTimeout(r, 250));
    }
    // The claim of the pod scaled away stays (persistentVolumeClaimRetentionPolicy Retain).
    expect(await ok(['get', 'pvc', 'www-web-1', '-o', 'name'])).to.equal('persistentvolumeclaim/www-web-1\n');
  });
});

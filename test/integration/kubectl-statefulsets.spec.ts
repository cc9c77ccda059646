// The real kubectl 1.35 with StatefulSets and their claims on the memory runtime (no container starts): apply,
// `rollout status sts` to the end, `get sts` / `get pvc` as upstream prints them, `scale sts`; `rollout
// history sts` (and `--revision`) and `rollout undo sts` (and `--to-revision`) over the set's ControllerRevisions.
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

  it('shows the rollout history of a StatefulSet and undoes to the previous template, and to a revision', async () => {
    // Two images the memory runtime has: busybox:latest, then busybox.
    const sts = workloadManifest('StatefulSet', 'hist', '  serviceName: hist\n  replicas: 2\n').replace(
      'busybox:1.0',
      'busybox:latest',
    );
    expect(await ok(['apply', '-f', '-'], sts)).to.contain('statefulset.apps/hist created');
    await ok(['rollout', 'status', 'sts/hist', '--timeout=60s']);
    await ok(['set', 'image', 'sts/hist', 'main=busybox']);
    await ok(['rollout', 'status', 'sts/hist', '--timeout=60s']);
    const imageOf = (): string | undefined =>
      agent.h.agent.statefulSets.get('default', 'hist')?.spec.template.spec.containers[0]?.image;

    expect(await ok(['rollout', 'history', 'sts/hist'])).to.match(
      /^statefulset\.apps\/hist\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/,
    );
    const one = await ok(['rollout', 'history', 'statefulset/hist', '--revision=1']);
    expect(one).to.match(/revision #1/);
    expect(one).to.contain('busybox:latest');

    expect(await ok(['rollout', 'undo', 'sts/hist'])).to.equal('statefulset.apps/hist rolled back\n');
    expect(imageOf()).to.equal('busybox:latest');
    await ok(['rollout', 'status', 'sts/hist', '--timeout=60s']);
    const images = await ok([
      'get',
      'pods',
      '-l',
      'app=hist',
      '-o',
      'jsonpath={.items[*].spec.containers[0].image}',
    ]);
    expect(images).to.equal('busybox:latest busybox:latest');
    // The template brought back is revision 3 now: history lists 2 and 3.
    expect(await ok(['rollout', 'history', 'sts/hist'])).to.match(
      /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n/,
    );

    expect(await ok(['rollout', 'undo', 'sts/hist', '--to-revision=2'])).to.equal(
      'statefulset.apps/hist rolled back\n',
    );
    expect(imageOf()).to.equal('busybox');
    await ok(['delete', 'sts', 'hist']);
  });
});

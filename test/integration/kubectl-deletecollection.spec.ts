// deletecollection from real clients on the memory runtime: `kubectl delete --raw` on a collection path with a
// labelSelector (kubectl 1.35), and @kubernetes/client-node's deleteCollectionNamespacedPod /
// deleteCollectionNamespacedConfigMap with label and field selectors and dryRun.
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl } from '../helpers/kubectl';

const configMaps = `apiVersion: v1
kind: ConfigMap
metadata: {name: cm-ab, labels: {a: b}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm-ab2, labels: {a: b}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm-ac, labels: {a: c}}
`;

describe('deletecollection: kubectl 1.35 and @kubernetes/client-node (memory runtime)', function () {
  this.timeout(120_000);
  const agent = memoryAgentForKubectl();
  const { kubectl, ok } = kubectlOf('35', () => agent);
  const configMapNames = async (): Promise<string> =>
    ok(['get', 'configmaps', '-l', 'a', '-o', 'jsonpath={.items[*].metadata.name}']);

  it("kubectl delete --raw on a collection deletes what the labelSelector picks and prints upstream's List", async () => {
    await ok(['apply', '-f', '-'], configMaps);
    const out = await ok(['delete', '--raw', '/api/v1/namespaces/default/configmaps?labelSelector=a=b']);
    const list = JSON.parse(out) as { kind: string; items: { metadata: { name: string } }[] };
    expect(list.kind).to.equal('ConfigMapList');
    expect(list.items.map((i) => i.metadata.name).sort()).to.deep.equal(['cm-ab', 'cm-ab2']);
    expect(await configMapNames()).to.equal('cm-ac');
    // across namespaces upstream serves no deletecollection
    const across = await kubectl(['delete', '--raw', '/api/v1/configmaps?labelSelector=a=c']);
    expect(across.code).to.not.equal(0);
    expect(across.stderr).to.contain('MethodNotAllowed');
    expect(await configMapNames()).to.equal('cm-ac');
    await ok(['delete', 'configmap', 'cm-ac']);
  });

  describe('@kubernetes/client-node 1.4', () => {
    type K8s = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });
    let api: InstanceType<K8s['CoreV1Api']>;
    before(async () => {
      const k8s: K8s = await import('@kubernetes/client-node'); // ESM-only: a real import()
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(agent.kubeconfig);
      api = kc.makeApiClient(k8s.CoreV1Api);
    });

    it('deleteCollectionNamespacedPod removes the selected pods; dryRun removes none', async () => {
      const pod = (name: string, tier: string) => ({
        metadata: { name, labels: { via: 'client-node', tier } },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      });
      for (const [name, tier] of [
        ['front-1', 'front'],
        ['front-2', 'front'],
        ['back', 'back'],
      ] as const)
        await api.createNamespacedPod({ namespace: 'default', body: pod(name, tier) });
      const names = async (): Promise<string[]> =>
        (await api.listNamespacedPod({ namespace: 'default', labelSelector: 'via=client-node' })).items
          .map((p) => p.metadata?.name ?? '')
          .sort();
      await api.deleteCollectionNamespacedPod({
        namespace: 'default',
        labelSelector: 'tier=front',
        dryRun: 'All',
      });
      expect(await names()).to.deep.equal(['back', 'front-1', 'front-2']);
      await api.deleteCollectionNamespacedPod({
        namespace: 'default',
        labelSelector: 'tier=front',
        gracePeriodSeconds: 0,
      });
      const deadline = Date.now() + 20_000;
      while ((await names()).length !== 1 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(await names()).to.deep.equal(['back']);
      await api.deleteCollectionNamespacedPod({
        namespace: 'default',
        fieldSelector: 'metadata.name=back',
        gracePeriodSeconds: 0,
      });
    });

    it('deleteCollectionNamespacedConfigMap with a field selector', async () => {
      await ok(['apply', '-f', '-'], configMaps);
      await api.deleteCollectionNamespacedConfigMap({
        namespace: 'default',
        fieldSelector: 'metadata.name=cm-ac',
      });
      expect(await configMapNames()).to.equal('cm-ab cm-ab2');
    });
  });
});

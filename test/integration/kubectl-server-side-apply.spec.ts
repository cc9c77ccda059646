// Server-side apply and managed fields through the real kubectl 1.35 and 1.29 on the memory runtime (no
// container starts): `apply --server-side` of a Deployment, `kubectl scale`, the re-apply's conflict naming
// the scale's manager and .spec.replicas, `--force-conflicts`; a ConfigMap key changed by another manager the
// same way; `--show-managed-fields`. `kubectl scale` sends no fieldManager: its manager is the User-Agent's
// first part, the binary's name (`kubectl-1.35` here, `kubectl` for an installed kubectl).
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl, workloadManifest } from '../helpers/kubectl';

const deployment = (name: string, replicas: number): string =>
  workloadManifest(
    'Deployment',
    name,
    `  replicas: ${replicas}
`,
  );

const configMap = (name: string, data: Record<string, string>): string => `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data: ${JSON.stringify(data)}
`;

interface Entry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1: Record<string, Record<string, unknown>>;
}

describe('kubectl: server-side apply, conflicts and managed fields (memory runtime)', function () {
  this.timeout(120_000);
  const agent = memoryAgentForKubectl();

  for (const minor of ['35', '29']) {
    describe(`kubectl 1.${minor}`, () => {
      const { kubectl, ok } = kubectlOf(minor, () => agent);
      const managed = async (what: string): Promise<Entry[]> =>
        (
          JSON.parse(await ok(['get', what, '-o', 'json', '--show-managed-fields'])) as {
            metadata: { managedFields: Entry[] };
          }
        ).metadata.managedFields;

      it('apply, scale, apply: conflict with the scale manager on .spec.replicas; --force-conflicts takes it', async () => {
        const name = `ssa-${minor}`;
        const scaler = `kubectl-1.${minor}`;
        await ok(['apply', '--server-side', '-f', '-'], deployment(name, 2));
        await ok(['scale', `deploy/${name}`, '--replicas=3']);
        const entries = await managed(`deploy/${name}`);
        expect(entries.map((e) => [e.manager, e.operation, e.subresource])).to.deep.include.members([
          ['kubectl', 'Apply', undefined],
          [scaler, 'Update', 'scale'],
        ]);
        const scale = entries.find((e) => e.manager === scaler)!;
        expect(scale.fieldsV1).to.deep.equal({ 'f:spec': { 'f:replicas': {} } });
        const plain = await ok(['get', `deploy/${name}`, '-o', 'yaml']);
        expect(plain).not.to.contain('managedFields');

        const refused = await kubectl(['apply', '--server-side', '-f', '-'], deployment(name, 2));
        expect(refused.code).to.not.equal(0);
        expect(refused.stderr).to.contain(
          `Apply failed with 1 conflict: conflict with "${scaler}" using apps/v1: .spec.replicas`,
        );
        expect(agent.h.agent.deployments.get('default', name)?.spec.replicas).to.equal(3);

        await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], deployment(name, 2));
        expect(agent.h.agent.deployments.get('default', name)?.spec.replicas).to.equal(2);
        const after = await managed(`deploy/${name}`);
        expect(after.find((e) => e.manager === scaler)).to.equal(undefined);
        expect(after.find((e) => e.manager === 'kubectl')?.fieldsV1['f:spec']).to.have.property('f:replicas');
        await ok(['delete', `deploy/${name}`]);
      });

      it('a ConfigMap key changed by another manager conflicts; a key no longer applied goes', async () => {
        const name = `ssa-cm-${minor}`;
        await ok(['apply', '--server-side', '-f', '-'], configMap(name, { a: '1', b: '1' }));
        await ok(['patch', `cm/${name}`, '--field-manager=kubectl-edit', '-p', '{"data":{"a":"2"}}']);
        const refused = await kubectl(
          ['apply', '--server-side', '-f', '-'],
          configMap(name, { a: '1', b: '1' }),
        );
        expect(refused.stderr).to.contain(
          'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.a',
        );
        await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], configMap(name, { a: '1' }));
        expect(agent.h.agent.configMaps.get('default', name)?.data).to.deep.equal({ a: '1' });
        const entries = await managed(`cm/${name}`);
        expect(entries.map((e) => [e.manager, e.operation, e.fieldsV1])).to.deep.equal([
          ['kubectl', 'Apply', { 'f:data': { 'f:a': {} } }],
        ]);
        await ok(['delete', `cm/${name}`]);
      });

      it('apply --server-side over a client-side apply migrates the managed fields, without a warning', async () => {
        const name = `csa-${minor}`;
        await ok(['apply', '-f', '-'], configMap(name, { a: '1' }));
        // kubectl's migration is a JSON patch that replaces metadata.resourceVersion with the one it read
        const r = await kubectl(['apply', '--server-side', '-f', '-'], configMap(name, { a: '1' }));
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).to.not.contain('migration');
        const entries = await managed(`cm/${name}`);
        expect(entries.map((e) => e.manager)).to.not.include('kubectl-client-side-apply');
        expect(entries.find((e) => e.manager === 'kubectl')?.operation).to.equal('Apply');
        await ok(['delete', `cm/${name}`]);
      });
    });
  }
});

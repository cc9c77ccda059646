// Client-side apply with kubectl 1.22 and 1.28 (memory runtime: no container starts). Both compute the
// strategic merge patch from the /openapi/v2 schemas when they can: 1.22 whenever the kind has a schema,
// 1.28 when its PATCH operation lists the strategic merge media type. Without upstream's patch merge keys
// in the schemas they send a list whole, the server merges it by key, and an item dropped from the
// manifest stays; with them they send `$patch: delete` for it, as kubectl 1.29+ does from its built-ins.
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl, workloadManifest } from '../helpers/kubectl';

interface Container {
  ports?: { containerPort: number }[];
  env?: { name: string }[];
  volumeMounts?: { mountPath: string }[];
}
interface Deployment {
  spec: { template: { spec: { containers: Container[]; volumes?: { name: string }[] } } };
}

/** A Deployment `name` whose container has ports 80 (and 81), env A (and B), mounts /a (and /b). */
const deployment = (name: string, both: boolean): string =>
  `${workloadManifest('Deployment', name)}        ports:
        - containerPort: 80
${both ? '        - containerPort: 81\n' : ''}        env:
        - {name: A, value: "1"}
${both ? '        - {name: B, value: "2"}\n' : ''}        volumeMounts:
        - {name: a, mountPath: /a}
${both ? '        - {name: b, mountPath: /b}\n' : ''}      volumes:
      - {name: a, emptyDir: {}}
${both ? '      - {name: b, emptyDir: {}}\n' : ''}`;

describe('kubectl 1.22 and 1.28: client-side apply removes list items dropped from the manifest', function () {
  this.timeout(120_000);
  const served = memoryAgentForKubectl();

  for (const minor of ['28', '22']) {
    describe(`kubectl 1.${minor}`, () => {
      const { kubectl, ok } = kubectlOf(minor, () => served);

      it('re-applying without a port, an env var, a mount and a volume removes them', async () => {
        const name = `apply-${minor}`;
        expect(await ok(['apply', '-f', '-'], deployment(name, true))).to.contain('created');
        const again = await kubectl(['apply', '-f', '-'], deployment(name, false));
        expect(again.stdout, again.stderr).to.contain('configured');
        expect(again.stderr).to.equal(''); // no `error calculating patch from openapi spec` warning
        const stored = JSON.parse(await ok(['get', 'deployment', name, '-o', 'json'])) as Deployment;
        const pod = stored.spec.template.spec;
        const [main] = pod.containers;
        expect(main?.ports?.map((p) => p.containerPort)).to.deep.equal([80]);
        expect(main?.env?.map((e) => e.name)).to.deep.equal(['A']);
        expect(main?.volumeMounts?.map((m) => m.mountPath)).to.deep.equal(['/a']);
        expect(pod.volumes?.map((v) => v.name)).to.deep.equal(['a']);
      });
    });
  }
});

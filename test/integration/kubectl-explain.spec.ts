// The real kubectl's `explain` prints upstream's descriptions from the served OpenAPI documents: kubectl 1.29+
// reads the v3 documents, kubectl 1.22 the v2 one as gnostic protobuf (memory runtime, no container starts).
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl } from '../helpers/kubectl';

const CONTAINERS =
  'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.';
const CONTAINER = 'A single application container that you want to run within a pod.';
const REPLICAS =
  'Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.';
/** A field upstream types by reference, listed among Container's fields. */
const LIVENESS_PROBE =
  'Periodic probe of container liveness. Container will be restarted if the probe fails. Cannot be updated.';

const STRATEGY = 'The deployment strategy to use to replace existing pods with new ones.';
const DEPLOYMENT_STRATEGY = 'DeploymentStrategy describes how to replace existing pods with new ones.';

/** kubectl wraps and indents descriptions: compare with runs of whitespace as one space. */
const flat = (text: string): string => text.replace(/\s+/g, ' ');

for (const minor of ['35', '29', '22']) {
  describe(`kubectl 1.${minor}: explain prints upstream's descriptions (memory runtime)`, function () {
    this.timeout(120_000);
    const agent = memoryAgentForKubectl();
    const { ok } = kubectlOf(minor, () => agent);

    it('explain pod.spec.containers: the field, its type and each of its fields described', async () => {
      const out = await ok(['explain', 'pod.spec.containers']);
      expect(flat(out)).to.contain(CONTAINERS).and.contain(CONTAINER).and.contain(LIVENESS_PROBE);
      expect(out).to.not.contain('<no description>');
      expect(out).to.not.contain('<empty>');
    });

    it("explain deployment.spec.strategy: a referenced field's own description, then its type's", async () => {
      const out = flat(await ok(['explain', 'deployment.spec.strategy']));
      expect(out).to.contain(`DESCRIPTION: ${STRATEGY} ${DEPLOYMENT_STRATEGY}`);
    });

    it('explain deployment.spec.replicas', async () => {
      const out = await ok(['explain', 'deployment.spec.replicas']);
      expect(out).to.match(/^(FIELD|RESOURCE): +replicas +<integer>$/m);
      expect(flat(out)).to.contain(REPLICAS);
    });
  });
}

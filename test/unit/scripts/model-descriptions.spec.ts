// scripts/model-descriptions.ts reads upstream's descriptions out of @kubernetes/client-node's model comments;
// the expected texts are upstream's 1.34 swagger.json's (but for the line breaks the models turn into spaces).
import { expect } from 'chai';
import { modelDescriptions } from '../../../scripts/model-descriptions';

describe('scripts/model-descriptions.ts: upstream descriptions from client-node model comments', () => {
  it("reads the class comment and each property's comment", () => {
    const podSpec = modelDescriptions('V1PodSpec');
    expect(podSpec.description).to.equal('PodSpec is a description of a pod.');
    expect(podSpec.properties['containers']).to.equal(
      'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.',
    );
    // The models drop the description beside a reference: schema-extensions.json has those.
    expect(podSpec.properties).to.not.have.property('affinity');
    expect(Object.keys(podSpec.properties)).to.include.members(['activeDeadlineSeconds', 'volumes']);
  });

  it('undoes the escapes the generator writes: quotes, backslashes and a comment end', () => {
    const podSpec = modelDescriptions('V1PodSpec').properties;
    expect(podSpec['dnsPolicy']).to.contain(
      `Defaults to "ClusterFirst". Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst'`,
    );
    expect(podSpec['setHostnameAsFQDN']).to.contain(
      'HKEY_LOCAL_MACHINE\\\\SYSTEM\\\\CurrentControlSet\\\\Services\\\\Tcpip\\\\Parameters to FQDN',
    );
    expect(modelDescriptions('V1ResourceRule').properties['resources']).to.equal(
      `Resources is a list of resources this rule applies to.  "*" means all in the specified apiGroups.  "*/foo" represents the subresource 'foo' for all resources in the specified apiGroups.`,
    );
  });
});

// The real kubectl 1.35 with NetworkPolicies on the memory runtime: apply, `get netpol` columns as upstream
// prints them, `describe networkpolicy` (kubectl's own describer over the stored object), a refused policy's
// wording, and delete. Stored and validated only: nothing enforces them.
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl } from '../helpers/kubectl';

const manifest = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - podSelector: {matchLabels: {role: frontend}}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports:
    - {port: 80}
    - {protocol: UDP, port: 5000, endPort: 5010}
`;

describe('kubectl 1.35: NetworkPolicies (memory runtime)', function () {
  this.timeout(120_000);
  const agent = memoryAgentForKubectl();
  const { kubectl, ok } = kubectlOf('35', () => agent);

  it('apply, get netpol, describe networkpolicy, delete', async () => {
    expect(await ok(['apply', '-f', '-'], manifest)).to.contain(
      'networkpolicy.networking.k8s.io/web created',
    );
    const table = await ok(['get', 'netpol']);
    expect(table).to.match(/^NAME\s+POD-SELECTOR\s+AGE$/m);
    expect(table).to.match(/^web\s+app=web\s+\S+$/m);
    const described = await ok(['describe', 'networkpolicy', 'web']);
    expect(described).to.match(/^Name:\s+web$/m);
    expect(described).to.match(/PodSelector:\s+app=web/);
    expect(described).to.contain('Allowing ingress traffic:');
    expect(described).to.match(/To Port: 80\/TCP/);
    expect(described).to.match(/To Port Range: 5000-5010\/UDP/);
    expect(described).to.contain('Not affecting egress traffic');
    expect(described).to.match(/PodSelector: role=frontend/);
    expect(described).to.match(/IPBlock:\s+CIDR: 10\.0\.0\.0\/8\s+Except: 10\.1\.0\.0\/16/);
    expect(described).to.match(/Policy Types: Ingress/);
    expect(await ok(['delete', 'netpol', 'web'])).to.contain('networkpolicy.networking.k8s.io "web" deleted');
  });

  it("a refused policy: upstream's wording", async () => {
    const bad = manifest
      .replace('name: web', 'name: bad')
      .replace('{port: 80}', '{protocol: ICMP, port: 80}');
    const r = await kubectl(['apply', '-f', '-'], bad);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain(
      'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    );
  });
});

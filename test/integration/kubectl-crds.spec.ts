// The real kubectl 1.35 and CustomResourceDefinitions (memory runtime, no container starts): a CRD with a
// shortName, a status subresource and printer columns applied; a custom resource applied, listed with its
// columns, by plural and by shortName, described; a body the schema refuses in upstream's words; status
// patched through --subresource=status; strategic merge patch refused; the CRD deleted and its objects gone.
import { expect } from 'chai';
import { kubectlOf, memoryAgentForKubectl } from '../helpers/kubectl';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [all]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Color, type: string, jsonPath: .spec.color}
    - {name: Ready, type: string, jsonPath: .status.ready}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [replicas]
            properties:
              replicas: {type: integer, minimum: 0}
              color: {type: string, enum: [red, blue]}
          status:
            type: object
            properties:
              ready: {type: string}
`;

const widget = (name: string, replicas: string, color = 'red'): string => `apiVersion: example.com/v1
kind: Widget
metadata: {name: ${name}}
spec: {replicas: ${replicas}, color: ${color}}
`;

describe('kubectl 1.35: CustomResourceDefinitions and custom resources (memory runtime)', function () {
  this.timeout(120_000);
  const agent = memoryAgentForKubectl();
  const { kubectl, ok } = kubectlOf('35', () => agent);

  it('applies a CRD; it is Established and listed by get crd', async () => {
    expect(await ok(['apply', '-f', '-'], CRD)).to.contain(
      'customresourcedefinition.apiextensions.k8s.io/widgets.example.com created',
    );
    expect(await ok(['get', 'crd'])).to.match(/^widgets\.example\.com\s+\d{4}-\d\d-\d\dT/m);
    expect(
      await ok([
        'get',
        'crd',
        'widgets.example.com',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Established")].status}',
      ]),
    ).to.equal('True');
  });

  it('applies a custom resource; get shows the printer columns, by plural and by shortName; describe', async () => {
    expect(await ok(['apply', '-f', '-'], widget('w1', '3'))).to.contain('widget.example.com/w1 created');
    const table = await ok(['get', 'widgets']);
    expect(table).to.match(/^NAME\s+REPLICAS\s+COLOR\s+READY\s+AGE$/m);
    // a path that reaches nothing is an empty cell (kubectl prints a null cell as nothing)
    expect(table).to.match(/^w1\s+3\s+red\s+\d+s$/m);
    expect(await ok(['get', 'wd'])).to.match(/^w1\s+3\s+red\s/m);
    expect(await ok(['get', 'widget', 'w1', '-o', 'jsonpath={.metadata.generation}'])).to.equal('1');
    const described = await ok(['describe', 'wd', 'w1']);
    expect(described).to.match(/^Kind:\s+Widget$/m);
    expect(described).to.match(/Replicas:\s+3/);
    // re-applied with a change (kubectl's merge patch for a kind it has no type of): generation moves
    expect(await ok(['apply', '-f', '-'], widget('w1', '4'))).to.contain('widget.example.com/w1 configured');
    expect(
      await ok(['get', 'widget', 'w1', '-o', 'jsonpath={.spec.replicas} {.metadata.generation}']),
    ).to.equal('4 2');
  });

  it('a body the schema refuses: 422 in upstream words', async () => {
    const r = await kubectl(['apply', '-f', '-'], widget('bad', '"three"'));
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain(
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    );
    const e = await kubectl(['apply', '-f', '-'], widget('bad', '1', 'green'));
    expect(e.stderr).to.contain('spec.color: Unsupported value: "green": supported values: "red", "blue"');
  });

  it('status through --subresource=status only; strategic merge patch refused (415)', async () => {
    await ok([
      'patch',
      'widget',
      'w1',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"ready":"yes"}}',
    ]);
    expect(await ok(['get', 'widget', 'w1'])).to.match(/^w1\s+4\s+red\s+yes\s/m);
    // the main endpoint ignores status
    await ok(['patch', 'widget', 'w1', '--type=merge', '-p', '{"status":{"ready":"no"}}']);
    expect(
      await ok(['get', 'widget', 'w1', '-o', 'jsonpath={.status.ready} {.metadata.generation}']),
    ).to.equal('yes 2');
    const r = await kubectl(['patch', 'widget', 'w1', '--type=strategic', '-p', '{"spec":{"replicas":1}}']);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
    // server-side apply: a field client-side apply set is a conflict, taken with --force-conflicts
    const ssa = await kubectl(['apply', '--server-side', '-f', '-'], widget('w1', '6'));
    expect(ssa.stderr).to.contain('conflict with "kubectl-client-side-apply"');
    await ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], widget('w1', '6'));
    expect(await ok(['get', 'widget', 'w1', '-o', 'jsonpath={.spec.replicas}'])).to.equal('6');
  });

  it('deleting the CRD deletes its objects and the kind', async () => {
    await ok(['apply', '-f', '-'], widget('w2', '1'));
    expect(await ok(['delete', 'crd', 'widgets.example.com'])).to.contain('deleted');
    // kubectl still maps `widgets` from its discovery cache; the server no longer serves them
    const r = await kubectl(['get', 'widgets']);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.contain('(NotFound)');
    expect(r.stderr).to.contain('the server could not find the requested resource');
    // created again, the kind is back and empty
    await ok(['apply', '-f', '-'], CRD);
    const again = await kubectl(['get', 'widgets']);
    expect(again.stderr).to.contain('No resources found');
  });
});

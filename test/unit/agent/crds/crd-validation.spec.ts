// A CustomResourceDefinition body decoded, defaulted and validated in upstream's words; and the naming
// decision (NamesAccepted, Established) against the names others claim.
import { expect } from 'chai';
import { errorMessage } from '../../../../agent/errors';
import { claimsOf, crdStatus } from '../../../../agent/crds/crd-names';
import { decodeCrd } from '../../../../agent/crds/crd-validation';
import type { CustomResourceDefinition } from '../../../../agent/model/crd';

const NOW = '2026-01-01T00:00:00Z';

const body = (spec: Record<string, unknown> = {}, name = 'widgets.example.com'): Record<string, unknown> => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'widgets', kind: 'Widget', shortNames: ['wd'] },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
    ...spec,
  },
});

const refusal = (raw: unknown): string => {
  try {
    decodeCrd(raw);
  } catch (err) {
    return errorMessage(err);
  }
  return 'accepted';
};

describe('crds: CustomResourceDefinition validation', () => {
  it('defaults singular, listKind and conversion', () => {
    const crd = decodeCrd(body());
    expect(crd.spec.names).to.deep.equal({
      plural: 'widgets',
      singular: 'widget',
      kind: 'Widget',
      listKind: 'WidgetList',
      shortNames: ['wd'],
    });
    expect(crd.spec.conversion).to.deep.equal({ strategy: 'None' });
  });

  const prefix = 'CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: ';
  for (const [what, raw, expected] of [
    [
      'a name that is not <plural>.<group>',
      body({}, 'widget.example.com'),
      'CustomResourceDefinition.apiextensions.k8s.io "widget.example.com" is invalid: metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group',
    ],
    [
      'a group without a dot',
      body({ group: 'example' }, 'widgets.example'),
      'CustomResourceDefinition.apiextensions.k8s.io "widgets.example" is invalid: spec.group: Invalid value: "example": should be a domain with at least one dot',
    ],
    [
      'an unknown scope',
      body({ scope: 'Global' }),
      `${prefix}spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"`,
    ],
    [
      'two storage versions',
      body({
        versions: [
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
          { name: 'v2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
      }),
      `${prefix}spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{{Name:"v1", Served:true, Storage:true}, {Name:"v2", Served:true, Storage:true}}: must have exactly one version marked as storage version`,
    ],
    [
      'no served version',
      body({
        versions: [
          { name: 'v1', served: false, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
      }),
      `${prefix}spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{{Name:"v1", Served:false, Storage:true}}: must have at least one version marked as served`,
    ],
    [
      'no schema',
      body({ versions: [{ name: 'v1', served: true, storage: true }] }),
      `${prefix}spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required`,
    ],
    [
      'no kind',
      body({ names: { plural: 'widgets' } }),
      `${prefix}[spec.names.singular: Required value, spec.names.kind: Required value, spec.names.listKind: Required value]`,
    ],
    [
      'a shortName that is not a DNS-1035 label',
      body({ names: { plural: 'widgets', kind: 'Widget', shortNames: ['W_D'] } }),
      `${prefix}spec.names.shortNames[0]: Invalid value: "W_D": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ],
  ] as const) {
    it(what, () => expect(refusal(raw)).to.equal(expected));
  }

  it('an update may not change the group or the scope', () => {
    const old = decodeCrd(body());
    expect(() => decodeCrd(body({ scope: 'Cluster' }), old)).to.throw(
      'spec.scope: Invalid value: "Cluster": field is immutable',
    );
  });
});

describe('crds: names accepted, established', () => {
  const crd = (spec: Record<string, unknown> = {}, name?: string): CustomResourceDefinition =>
    decodeCrd(body(spec, name));

  it('no conflict: NamesAccepted and Established True, acceptedNames the spec names', () => {
    const status = crdStatus(crd(), [], NOW);
    expect(status.conditions).to.deep.equal([
      {
        type: 'NamesAccepted',
        status: 'True',
        reason: 'NoConflicts',
        message: 'no conflicts found',
        lastTransitionTime: NOW,
      },
      {
        type: 'Established',
        status: 'True',
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
        lastTransitionTime: NOW,
      },
    ]);
    expect(status.acceptedNames?.plural).to.equal('widgets');
    expect(status.storedVersions).to.deep.equal(['v1']);
  });

  for (const [what, claim, reason, message] of [
    [
      'a shortName another uses',
      { plural: 'gadgets', kind: 'Gadget', shortNames: ['wd'] },
      'ShortNamesConflict',
      '"wd" is already in use',
    ],
    [
      'a kind another uses',
      { plural: 'gadgets', kind: 'Widget' },
      'KindConflict',
      '"Widget" is already in use',
    ],
    [
      'a plural a built-in uses',
      { plural: 'widgets', kind: 'Thing' },
      'PluralConflict',
      '"widgets" is already in use',
    ],
  ] as const) {
    it(`${what}: NamesAccepted False (${reason}), not established`, () => {
      const status = crdStatus(crd(), [{ group: 'example.com', ...claim }], NOW);
      expect(status.conditions?.[0]).to.include({ type: 'NamesAccepted', status: 'False', reason, message });
      expect(status.conditions?.[1]).to.include({
        type: 'Established',
        status: 'False',
        reason: 'NotAccepted',
      });
      expect(status.acceptedNames).to.deep.equal({ plural: '', kind: '' });
    });
  }

  it('names of another group do not conflict', () => {
    const status = crdStatus(crd(), [{ group: 'other.io', plural: 'widgets', kind: 'Widget' }], NOW);
    expect(status.conditions?.[0]).to.include({ status: 'True' });
  });

  it('claimsOf: the accepted names of established definitions only', () => {
    const accepted = { ...crd(), status: crdStatus(crd(), [], NOW) };
    const waiting = {
      ...crd(),
      status: crdStatus(crd(), [{ group: 'example.com', plural: 'widgets', kind: 'X' }], NOW),
    };
    expect(claimsOf([accepted, waiting]).map((c) => c.plural)).to.deep.equal(['widgets']);
  });
});

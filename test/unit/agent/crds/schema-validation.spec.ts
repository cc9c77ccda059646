// A custom resource against its schema: validation in kube-openapi's words, pruning of unknown fields,
// defaults, and the structural checks a CRD's schema must pass.
import { expect } from 'chai';
import { errorBody } from '../../../../agent/model/field-errors';
import type { JSONSchemaProps } from '../../../../agent/model/crd';
import {
  applyDefaults,
  pruneUnknownFields,
  schemaProblems,
  validateValue,
} from '../../../../agent/crds/schema-validation';

const SPEC: JSONSchemaProps = {
  type: 'object',
  required: ['replicas'],
  properties: {
    replicas: { type: 'integer', minimum: 1, maximum: 10 },
    ratio: { type: 'number', minimum: 0, exclusiveMinimum: true },
    color: { type: 'string', enum: ['red', 'blue'] },
    name: { type: 'string', minLength: 3, maxLength: 5, pattern: '^[a-z]+$' },
    email: { type: 'string', format: 'email' },
    port: { 'x-kubernetes-int-or-string': true },
    note: { type: 'string', nullable: true },
    tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

const messages = (value: unknown): string[] =>
  validateValue(value, SPEC, 'spec').map((e) => `${e.field}: ${errorBody(e)}`);

describe('crds: schema validation', () => {
  for (const [what, value, expected] of [
    ['a valid object', { replicas: 3, color: 'red', port: 'http', note: null, tags: ['a'] }, []],
    [
      'a string for an integer',
      { replicas: 'three' },
      ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"'],
    ],
    [
      'a fraction for an integer',
      { replicas: 1.5 },
      ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"'],
    ],
    ['a required field missing', {}, ['spec.replicas: Required value']],
    [
      'below the minimum',
      { replicas: 0 },
      ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1'],
    ],
    [
      'above the maximum',
      { replicas: 11 },
      ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10'],
    ],
    [
      'an exclusive minimum',
      { replicas: 1, ratio: 0 },
      ['spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0'],
    ],
    [
      'a value outside the enum',
      { replicas: 1, color: 'green' },
      ['spec.color: Unsupported value: "green": supported values: "red", "blue"'],
    ],
    [
      'too short and against the pattern',
      { replicas: 1, name: 'A' },
      [
        'spec.name: Invalid value: "A": spec.name in body should be at least 3 chars long',
        'spec.name: Invalid value: "A": spec.name in body should match \'^[a-z]+$\'',
      ],
    ],
    ['too long', { replicas: 1, name: 'abcdef' }, ['spec.name: Too long: may not be more than 5 bytes']],
    [
      'a bad format',
      { replicas: 1, email: 'nobody' },
      ['spec.email: Invalid value: "nobody": spec.email in body must be of type email: "nobody"'],
    ],
    [
      'int-or-string given a boolean',
      { replicas: 1, port: true },
      ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"'],
    ],
    [
      'null where not nullable',
      { replicas: 1, color: null },
      ['spec.color: Invalid value: "null": spec.color in body must be of type string: "null"'],
    ],
    [
      'array items and their count',
      { replicas: 1, tags: ['a', 2, 'c'] },
      [
        'spec.tags: Too many: must have at most 2 items',
        'spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"',
      ],
    ],
    [
      'map values',
      { replicas: 1, labels: { a: 1 } },
      ['spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"'],
    ],
  ] as const) {
    it(what, () => expect(messages(value)).to.deep.equal(expected));
  }

  it('prunes undeclared fields (not under preserve-unknown-fields, nor apiVersion/kind/metadata)', () => {
    const root: JSONSchemaProps = { type: 'object', properties: { spec: SPEC } };
    const obj = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', anything: 1 },
      spec: { replicas: 1, extra: true, free: { x: { y: 1 } }, tags: ['a'], labels: { k: 'v' } },
      other: 1,
    };
    expect(pruneUnknownFields(structuredClone(obj), root, false)).to.deep.equal(['spec.extra', 'other']);
    expect(pruneUnknownFields(obj, root)).to.deep.equal(['spec.extra', 'other']);
    expect(obj).to.deep.equal({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', anything: 1 },
      spec: { replicas: 1, free: { x: { y: 1 } }, tags: ['a'], labels: { k: 'v' } },
    });
  });

  it('fills defaults of absent properties, nested ones included', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          default: {},
          properties: { size: { type: 'integer', default: 2 }, mode: { type: 'string', default: 'a' } },
        },
      },
    };
    const obj: Record<string, unknown> = {};
    applyDefaults(obj, schema);
    expect(obj).to.deep.equal({ spec: { size: 2, mode: 'a' } });
    const given = { spec: { size: 5 } };
    applyDefaults(given, schema);
    expect(given).to.deep.equal({ spec: { size: 5, mode: 'a' } });
  });

  it('a schema must be structural: an object at the root, every node typed, arrays with items', () => {
    const bad = { type: 'object', properties: { a: {}, b: { type: 'array' } } } as JSONSchemaProps;
    expect(schemaProblems(bad, 's').map((e) => `${e.field}: ${errorBody(e)}`)).to.deep.equal([
      's.properties[a].type: Required value: must not be empty for specified object fields',
      's.properties[b].items: Required value: must be specified',
    ]);
    expect(schemaProblems({ type: 'string' }, 's').map((e) => e.field)).to.deep.equal(['s.type']);
    expect(schemaProblems({ type: 'object', properties: { spec: SPEC } }, 's')).to.deep.equal([]);
  });
});

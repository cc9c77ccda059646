// Ingress and IngressClass validation, table-driven: one valid baseline, one change per case, the exact
// field errors upstream's pkg/apis/networking/validation gives (as `field: body`).
import { expect } from 'chai';
import { errorBody } from '../../../../agent/model/field-errors';
import type { HTTPIngressPath, Ingress, IngressClass } from '../../../../agent/model/ingress';
import {
  validateIngressClass,
  validateIngressClassUpdate,
  validateIngressCreate,
} from '../../../../agent/model/ingress-validation';

const meta = (name: string, annotations?: Record<string, string>) => ({
  name,
  namespace: 'default',
  uid: 'u',
  resourceVersion: '1',
  creationTimestamp: '2026-12-07T00:00:00Z',
  ...(annotations ? { annotations } : {}),
});

const path = (p: Partial<HTTPIngressPath> = {}): HTTPIngressPath => ({
  path: '/bar',
  pathType: 'Prefix',
  backend: { service: { name: 'svc1', port: { number: 8080 } } },
  ...p,
});

function ingress(spec: Partial<Ingress['spec']> = {}, annotations?: Record<string, string>): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: meta('simple', annotations),
    spec: { rules: [{ host: 'foo.com', http: { paths: [path()] } }], ...spec },
    status: {},
  };
}
const withPath = (p: Partial<HTTPIngressPath>): Ingress =>
  ingress({ rules: [{ host: 'foo.com', http: { paths: [path(p)] } }] });
const withHost = (host: string): Ingress => ingress({ rules: [{ host, http: { paths: [path()] } }] });

const texts = (errors: { field: string }[]): string[] =>
  errors.map((e) => `${e.field}: ${errorBody(e as Parameters<typeof errorBody>[0])}`);

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const P = 'spec.rules[0].http.paths[0]';

describe('ingress validation (pkg/apis/networking/validation)', () => {
  const cases: [string, Ingress, string[]][] = [
    ['the baseline', ingress(), []],
    [
      'pathType missing',
      withPath({ pathType: undefined }),
      [`${P}.pathType: Required value: pathType must be specified`],
    ],
    [
      'a relative Exact path',
      withPath({ pathType: 'Exact', path: 'bar' }),
      [`${P}.path: Invalid value: "bar": must be an absolute path`],
    ],
    [
      'an empty Prefix path',
      withPath({ path: undefined }),
      [`${P}.path: Invalid value: "": must be an absolute path`],
    ],
    [
      'a Prefix path with // and ending in /..',
      withPath({ path: '/a//b/..' }),
      [
        `${P}.path: Invalid value: "/a//b/..": must not contain '//'`,
        `${P}.path: Invalid value: "/a//b/..": cannot end with '/..'`,
      ],
    ],
    [
      'ImplementationSpecific without a path',
      withPath({ pathType: 'ImplementationSpecific', path: undefined }),
      [],
    ],
    [
      'ImplementationSpecific with a relative path',
      withPath({ pathType: 'ImplementationSpecific', path: 'x' }),
      [`${P}.path: Invalid value: "x": must be an absolute path`],
    ],
    [
      'an unknown pathType',
      withPath({ pathType: 'Regex' as HTTPIngressPath['pathType'] }),
      [
        `${P}.pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"`,
      ],
    ],
    [
      'a port name and number',
      withPath({ backend: { service: { name: 'svc1', port: { name: 'http', number: 80 } } } }),
      [`${P}.backend: Invalid value: "": cannot set both port name & port number`],
    ],
    [
      'no port',
      withPath({ backend: { service: { name: 'svc1' } } }),
      [`${P}.backend: Required value: port name or number is required`],
    ],
    [
      'a port number out of range',
      withPath({ backend: { service: { name: 'svc1', port: { number: 70000 } } } }),
      [`${P}.backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive`],
    ],
    [
      'an invalid port name',
      withPath({ backend: { service: { name: 'svc1', port: { name: 'HTTP' } } } }),
      [
        `${P}.backend.service.port.name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)`,
        `${P}.backend.service.port.name: Invalid value: "HTTP": must contain at least one letter (a-z)`,
      ],
    ],
    [
      'no service name',
      withPath({ backend: { service: { name: '', port: { number: 80 } } } }),
      [`${P}.backend.service.name: Required value`],
    ],
    [
      'a service name that is no DNS-1035 label',
      withPath({ backend: { service: { name: '1svc', port: { number: 80 } } } }),
      [
        `${P}.backend.service.name: Invalid value: "1svc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      ],
    ],
    [
      'no backend',
      withPath({ backend: {} }),
      [`${P}.backend: Invalid value: "": resource or service backend is required`],
    ],
    [
      'both backends',
      withPath({
        backend: { service: { name: 's', port: { number: 1 } }, resource: { kind: 'K', name: 'n' } },
      }),
      [`${P}.backend: Invalid value: "": cannot set both resource and service backends`],
    ],
    [
      'a resource backend without a kind, its name with a slash',
      withPath({ backend: { resource: { kind: '', name: 'a/b' } } }),
      [
        `${P}.backend.resource.kind: Required value: kind is required`,
        `${P}.backend.resource.name: Invalid value: "a/b": may not contain '/'`,
      ],
    ],
    ['a wildcard host', withHost('*.foo.com'), []],
    [
      'a wildcard in the middle',
      withHost('foo.*.com'),
      [
        `spec.rules[0].host: Invalid value: "foo.*.com": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ],
    ],
    [
      'an IP host',
      withHost('1.2.3.4'),
      ['spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address'],
    ],
    [
      'an upper-case host',
      withHost('Foo.com'),
      [`spec.rules[0].host: Invalid value: "Foo.com": ${SUBDOMAIN}`],
    ],
    [
      'a rule without paths',
      ingress({ rules: [{ host: 'a.com', http: { paths: [] } }] }),
      ['spec.rules[0].http.paths: Required value'],
    ],
    ['a rule with no http', ingress({ rules: [{ host: 'a.com' }] }), []],
    [
      'neither rules nor a default backend',
      ingress({ rules: undefined }),
      [
        'spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified',
      ],
    ],
    [
      'a default backend alone',
      ingress({ rules: undefined, defaultBackend: { service: { name: 's', port: { name: 'http' } } } }),
      [],
    ],
    [
      'tls hosts and secret',
      ingress({ tls: [{ hosts: ['*.ok.com', 'Bad.com'], secretName: 'Tls' }] }),
      [
        `spec.tls[0].hosts[1]: Invalid value: "Bad.com": ${SUBDOMAIN}`,
        `spec.tls[0].secretName: Invalid value: "Tls": ${SUBDOMAIN}`,
      ],
    ],
    [
      'an invalid class name',
      ingress({ ingressClassName: 'A' }),
      [`spec.ingressClassName: Invalid value: "A": ${SUBDOMAIN}`],
    ],
    [
      'the class annotation beside ingressClassName',
      ingress({ ingressClassName: 'nginx' }, { 'kubernetes.io/ingress.class': 'nginx' }),
      [
        'annotations.kubernetes.io/ingress.class: Invalid value: "nginx": can not be set when the class field is also set',
      ],
    ],
    ['the class annotation alone', ingress({}, { 'kubernetes.io/ingress.class': 'nginx' }), []],
  ];
  for (const [name, ing, expected] of cases)
    it(name, () => expect(texts(validateIngressCreate(ing))).to.deep.equal(expected));
});

function ingressClass(spec: IngressClass['spec']): IngressClass {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: meta('c'), spec };
}

describe('ingress class validation', () => {
  const params = { apiGroup: 'k8s.example.com', kind: 'Params', name: 'p' };
  const cases: [string, IngressClass['spec'], string[]][] = [
    ['the baseline', { controller: 'example.com/ingress' }, []],
    ['no controller', {}, ['spec.controller: Required value']],
    [
      'a controller without a path',
      { controller: 'example.com' },
      [
        'spec.controller: Invalid value: "example.com": must be a domain-prefixed path (such as "acme.io/foo")',
      ],
    ],
    [
      'an upper-case domain',
      { controller: 'Example.com/x' },
      [`spec.controller: Invalid value: "Example.com": ${SUBDOMAIN}`],
    ],
    ['Cluster-scoped parameters', { controller: 'a.io/b', parameters: { ...params, scope: 'Cluster' } }, []],
    [
      'parameters without a scope',
      { controller: 'a.io/b', parameters: params },
      ['spec.parameters.scope: Required value'],
    ],
    [
      'Namespace-scoped parameters without a namespace',
      { controller: 'a.io/b', parameters: { ...params, scope: 'Namespace' } },
      ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"],
    ],
    [
      'Cluster-scoped parameters with a namespace',
      { controller: 'a.io/b', parameters: { ...params, scope: 'Cluster', namespace: 'x' } },
      ["spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"],
    ],
    [
      'an unknown scope',
      { controller: 'a.io/b', parameters: { ...params, scope: 'Zone' } },
      ['spec.parameters.scope: Unsupported value: "Zone": supported values: "Cluster", "Namespace"'],
    ],
  ];
  for (const [name, spec, expected] of cases)
    it(name, () => expect(texts(validateIngressClass(ingressClass(spec)))).to.deep.equal(expected));

  it('keeps the controller immutable', () => {
    const old = ingressClass({ controller: 'a.io/b' });
    expect(texts(validateIngressClassUpdate(ingressClass({ controller: 'a.io/c' }), old))).to.deep.equal([
      'spec.controller: Invalid value: "a.io/c": field is immutable',
    ]);
    expect(validateIngressClassUpdate(ingressClass({ controller: 'a.io/b' }), old)).to.deep.equal([]);
  });
});

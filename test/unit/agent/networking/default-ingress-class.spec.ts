// The DefaultIngressClass admission, pure: which class a new Ingress without one gets.
import { expect } from 'chai';
import type { Ingress, IngressClass } from '../../../../agent/model/ingress';
import { defaultIngressClass, withDefaultClass } from '../../../../agent/networking/default-ingress-class';

const cls = (name: string, created: string, isDefault?: string): IngressClass => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: {
    name,
    namespace: '',
    uid: name,
    resourceVersion: '1',
    creationTimestamp: created,
    ...(isDefault !== undefined
      ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': isDefault } }
      : {}),
  },
  spec: { controller: 'example.com/c' },
});
const T1 = '2026-12-07T10:00:00Z';
const T2 = '2026-12-07T11:00:00Z';

describe('defaultIngressClass (DefaultIngressClass admission)', () => {
  const cases: [string, IngressClass[], string | undefined][] = [
    ['no classes', [], undefined],
    ['no default', [cls('a', T1), cls('b', T1, 'false'), cls('c', T1, 'True')], undefined],
    ['one default', [cls('a', T1), cls('b', T1, 'true')], 'b'],
    ['two defaults: the newest', [cls('old', T1, 'true'), cls('new', T2, 'true')], 'new'],
    [
      'two defaults of the same second: the first name',
      [cls('zeta', T1, 'true'), cls('alpha', T1, 'true')],
      'alpha',
    ],
  ];
  for (const [name, classes, expected] of cases)
    it(name, () => expect(defaultIngressClass(classes)).to.equal(expected));

  const ing = (spec: Ingress['spec'], annotations?: Record<string, string>): Ingress => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: 'i',
      namespace: 'd',
      uid: 'u',
      resourceVersion: '1',
      creationTimestamp: T1,
      ...(annotations ? { annotations } : {}),
    },
    spec,
    status: {},
  });
  const classes = [cls('dflt', T1, 'true')];

  it('fills only an Ingress that names no class by field or annotation', () => {
    expect(withDefaultClass(ing({}), classes).spec.ingressClassName).to.equal('dflt');
    expect(withDefaultClass(ing({ ingressClassName: '' }), classes).spec.ingressClassName).to.equal('');
    expect(withDefaultClass(ing({ ingressClassName: 'x' }), classes).spec.ingressClassName).to.equal('x');
    const annotated = ing({}, { 'kubernetes.io/ingress.class': 'nginx' });
    expect(withDefaultClass(annotated, classes).spec).to.not.have.property('ingressClassName');
    expect(withDefaultClass(ing({}), []).spec).to.not.have.property('ingressClassName');
  });
});

// Upstream's DefaultIngressClass admission, pure: the class a new Ingress without one is given. The
// IngressClasses annotated `ingressclass.kubernetes.io/is-default-class: "true"` are the defaults; with
// several, the newest wins (ties: the first name), as kube-apiserver has chosen since 1.28.
import {
  CLASS_ANNOTATION,
  DEFAULT_CLASS_ANNOTATION,
  type Ingress,
  type IngressClass,
} from '../model/ingress';

export function defaultIngressClass(classes: readonly IngressClass[]): string | undefined {
  const defaults = classes.filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
  const created = (c: IngressClass): number => Date.parse(c.metadata.creationTimestamp);
  defaults.sort((a, b) => created(b) - created(a) || (a.metadata.name < b.metadata.name ? -1 : 1));
  return defaults[0]?.metadata.name;
}

/** The Ingress with the default class filled in, unless it names a class (field or annotation) already. */
export function withDefaultClass(ing: Ingress, classes: readonly IngressClass[]): Ingress {
  if (ing.spec.ingressClassName !== undefined) return ing;
  if (ing.metadata.annotations?.[CLASS_ANNOTATION] !== undefined) return ing;
  const name = defaultIngressClass(classes);
  return name === undefined ? ing : { ...ing, spec: { ...ing.spec, ingressClassName: name } };
}

// What `kubectl get deploy|rs -o wide` adds to both (upstream's printers): the template's containers and
// images, and the selector.
import { selectorText } from '../../agent/model/label-selector';
import type { LabelSelector, PodTemplateSpec } from '../../agent/model/workload';
import { NONE } from '../resources';
import { column } from '../table';

export const templateColumns = [
  column('Containers', 'Names of each container in the template.', 1),
  column('Images', 'Images referenced by each container in the template.', 1),
];

export const templateCells = (t: PodTemplateSpec, selector: LabelSelector): string[] => [
  t.spec.containers.map((c) => c.name).join(','),
  t.spec.containers.map((c) => c.image).join(','),
  selectorText(selector) || NONE,
];

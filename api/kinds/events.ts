// Events (from the EventRecorder), read-only: listed with field selectors (what `kubectl describe` asks),
// printed as a Table (`kubectl get events`), and watched.
import type { KubeEvent } from '../../agent/events/recorder';
import { humanAge } from '../../agent/status/print-pod';
import type { ApiDeps } from '../deps';
import { READ_VERBS, type ResourceDefinition, metaFields } from '../resources';
import { column } from '../table';

export function eventResource(deps: ApiDeps): ResourceDefinition<KubeEvent> {
  const list = (namespace?: string): KubeEvent[] => deps.events.list(namespace ? { namespace } : {});
  return {
    name: 'events',
    singularName: 'event',
    kind: 'Event',
    listKind: 'EventList',
    namespaced: true,
    verbs: READ_VERBS,
    shortNames: ['ev'],
    fields: {
      ...metaFields,
      'involvedObject.kind': (e) => e.involvedObject.kind,
      'involvedObject.namespace': (e) => e.involvedObject.namespace,
      'involvedObject.name': (e) => e.involvedObject.name,
      'involvedObject.uid': (e) => e.involvedObject.uid,
      'involvedObject.apiVersion': (e) => e.involvedObject.apiVersion,
      'involvedObject.resourceVersion': () => '',
      'involvedObject.fieldPath': (e) => e.involvedObject.fieldPath ?? '',
      reason: (e) => e.reason,
      reportingComponent: (e) => e.reportingComponent,
      source: (e) => e.source.component ?? '',
      type: (e) => e.type,
    },
    columns: [
      column('Last Seen', 'The time since the event was last seen.'),
      column('Type', 'The type of the event.'),
      column('Reason', 'The reason of the event.'),
      column('Object', 'The object the event is about.'),
      column('Subobject', 'The part of the object the event is about.', 1),
      column('Source', 'The component that reported the event.', 1),
      column('Message', 'A human-readable description of the event.'),
      column('First Seen', 'The time since the event was first seen.', 1),
      column('Count', 'How many times the event happened.', 1),
      column('Name', 'The name of the event.', 1, 'name'),
    ],
    cells: (e, now) => [
      humanAge(now - Date.parse(e.lastTimestamp)),
      e.type,
      e.reason,
      `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`,
      e.involvedObject.fieldPath ?? '',
      reportedBy(e),
      e.message.trim(),
      humanAge(now - Date.parse(e.firstTimestamp)),
      e.count,
      e.metadata.name,
    ],
    source: {
      list,
      get: (namespace, name) => list(namespace).find((e) => e.metadata.name === name),
      expire: () => deps.events.expire(),
    },
  };
}

/** The Source column as upstream prints it: the source's component and host, else the reporting ones. */
function reportedBy(e: KubeEvent): string {
  const component = e.source.component || e.reportingComponent;
  const instance = e.source.host || e.reportingInstance;
  return instance ? `${component}, ${instance}` : component;
}

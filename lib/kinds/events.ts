import { at, baseRow, defineKind, num, rec, str } from './read';

/** Long messages are cut: rows are cached for every event in the cluster. */
const MAX_MESSAGE = 1024;

export const events = defineKind({
  token: 'events',
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  namespaced: true,
  alias: 'core',
  title: 'Events',
  columns: [
    { id: 'lastSeen', title: 'LAST SEEN', type: 'age' },
    { id: 'type', title: 'TYPE', type: 'status' },
    { id: 'reason', title: 'REASON', type: 'text' },
    { id: 'object', title: 'OBJECT', type: 'text' },
    { id: 'message', title: 'MESSAGE', type: 'text' },
    { id: 'count', title: 'COUNT', type: 'number' },
    { id: 'subobject', title: 'SUBOBJECT', type: 'text', priority: 1 },
    { id: 'source', title: 'SOURCE', type: 'text', priority: 1 },
    { id: 'firstSeen', title: 'FIRST SEEN', type: 'age', priority: 1 },
  ],
  project(object) {
    const involved = rec(object.involvedObject);
    const series = rec(object.series);
    const kind = str(involved.kind);
    const name = str(involved.name) ?? '';
    const component = str(at(object, 'source', 'component')) ?? str(object.reportingComponent);
    const host = str(at(object, 'source', 'host')) ?? str(object.reportingInstance);
    const message = (str(object.message) ?? '').trim();
    const type = str(object.type) ?? '';
    const lastSeen =
      str(series.lastObservedTime) ?? str(object.lastTimestamp) ?? str(object.eventTime) ?? str(object.firstTimestamp) ?? str(at(object, 'metadata', 'creationTimestamp')) ?? null;
    return baseRow(
      object,
      true,
      {
        lastSeen,
        type,
        reason: str(object.reason) ?? '',
        object: kind ? `${kind.toLowerCase()}/${name}` : name,
        message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message,
        count: num(series.count) ?? num(object.count) ?? 1,
        subobject: str(involved.fieldPath) ?? '',
        source: [component, host].filter(Boolean).join(', '),
        firstSeen: str(object.firstTimestamp) ?? str(object.eventTime) ?? null,
      },
      type === 'Warning' ? 'warning' : 'neutral',
    );
  },
});

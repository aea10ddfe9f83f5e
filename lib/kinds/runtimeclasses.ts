import { baseRow, defineKind, str } from './read';

export const runtimeclasses = defineKind({
  token: 'runtimeclasses',
  group: 'node.k8s.io',
  version: 'v1',
  kind: 'RuntimeClass',
  plural: 'runtimeclasses',
  namespaced: false,
  alias: 'cluster',
  title: 'RuntimeClasses',
  columns: [{ id: 'handler', title: 'HANDLER', type: 'text' }],
  project(object) {
    return baseRow(object, false, { handler: str(object.handler) ?? '' }, 'neutral');
  },
});

import { at, baseRow, defineKind, str } from './read';

export const namespaces = defineKind({
  token: 'namespaces',
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
  alias: 'cluster',
  title: 'Namespaces',
  columns: [{ id: 'status', title: 'STATUS', type: 'status' }],
  project(object) {
    const phase = str(at(object, 'status', 'phase')) ?? 'Active';
    return baseRow(object, false, { status: phase }, phase === 'Active' ? 'ok' : phase === 'Terminating' ? 'progress' : 'neutral');
  },
});

import { baseRow, defineKind, rec } from './read';

export const configmaps = defineKind({
  token: 'configmaps',
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
  alias: 'config',
  title: 'ConfigMaps',
  columns: [
    { id: 'data', title: 'DATA', type: 'number' },
    { id: 'keys', title: 'KEYS', type: 'list' },
  ],
  project(object) {
    // Key names only: values can be whole files, and a row is cached for every object.
    const keys = [...Object.keys(rec(object.data)), ...Object.keys(rec(object.binaryData))].sort();
    return baseRow(object, true, { data: keys.length, keys }, 'neutral');
  },
});

import { arr, at, baseRow, condition, defineKind, isRecord, rec, str } from './read';

export const crds = defineKind({
  token: 'crds',
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
  alias: 'cluster',
  title: 'CustomResourceDefinitions',
  columns: [
    { id: 'group', title: 'GROUP', type: 'text' },
    { id: 'kind', title: 'KIND', type: 'text' },
    { id: 'versions', title: 'VERSIONS', type: 'list' },
    { id: 'scope', title: 'SCOPE', type: 'text' },
    { id: 'established', title: 'ESTABLISHED', type: 'status', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    const versions = arr(spec.versions)
      .filter((version) => isRecord(version) && version.served !== false)
      .map((version) => str(at(version, 'name')))
      .filter((name): name is string => name !== undefined);
    const established = condition(object, 'Established');
    const state = established === undefined ? 'Unknown' : established.status === 'True' ? 'True' : 'False';
    return baseRow(
      object,
      false,
      {
        group: str(spec.group) ?? '',
        kind: str(at(spec, 'names', 'kind')) ?? '',
        versions,
        scope: str(spec.scope) ?? '',
        established: state,
      },
      state === 'True' ? 'ok' : state === 'False' ? 'warning' : 'progress',
    );
  },
});

import { annotation, at, baseRow, defineKind, rec, str } from './read';

export const ingressclasses = defineKind({
  token: 'ingressclasses',
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'IngressClass',
  plural: 'ingressclasses',
  namespaced: false,
  alias: 'networking',
  title: 'IngressClasses',
  columns: [
    { id: 'controller', title: 'CONTROLLER', type: 'text' },
    { id: 'parameters', title: 'PARAMETERS', type: 'text' },
    { id: 'default', title: 'DEFAULT', type: 'text' },
  ],
  project(object) {
    const spec = rec(object.spec);
    const params = rec(spec.parameters);
    const kind = str(params.kind);
    const group = str(params.apiGroup);
    return baseRow(
      object,
      false,
      {
        controller: str(spec.controller) ?? '',
        parameters: kind ? `${kind}${group ? `.${group}` : ''}/${str(at(params, 'name')) ?? ''}` : '<none>',
        default: annotation(object, 'ingressclass.kubernetes.io/is-default-class') === 'true',
      },
      'neutral',
    );
  },
});

import { arr, baseRow, defineKind, formatSelector, rec, str } from './read';

export const networkpolicies = defineKind({
  token: 'networkpolicies',
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  plural: 'networkpolicies',
  namespaced: true,
  alias: 'networking',
  title: 'NetworkPolicies',
  columns: [
    { id: 'podSelector', title: 'POD-SELECTOR', type: 'text' },
    { id: 'policyTypes', title: 'POLICY TYPES', type: 'list', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    return baseRow(
      object,
      true,
      {
        podSelector: formatSelector(spec.podSelector),
        policyTypes: arr(spec.policyTypes)
          .map(str)
          .filter((type): type is string => type !== undefined),
      },
      'neutral',
    );
  },
});

import { baseRow, defineKind, intOrString, num, rec } from './read';

export const poddisruptionbudgets = defineKind({
  token: 'poddisruptionbudgets',
  group: 'policy',
  version: 'v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  namespaced: true,
  alias: 'workloads',
  title: 'PodDisruptionBudgets',
  columns: [
    { id: 'minAvailable', title: 'MIN AVAILABLE', type: 'text' },
    { id: 'maxUnavailable', title: 'MAX UNAVAILABLE', type: 'text' },
    { id: 'allowedDisruptions', title: 'ALLOWED DISRUPTIONS', type: 'number' },
  ],
  project(object) {
    const spec = rec(object.spec);
    const allowed = num(rec(object.status).disruptionsAllowed) ?? 0;
    return baseRow(
      object,
      true,
      {
        minAvailable: intOrString(spec.minAvailable) ?? 'N/A',
        maxUnavailable: intOrString(spec.maxUnavailable) ?? 'N/A',
        allowedDisruptions: allowed,
      },
      allowed > 0 ? 'ok' : 'warning',
    );
  },
});

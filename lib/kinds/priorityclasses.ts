import { baseRow, defineKind, num, str } from './read';

export const priorityclasses = defineKind({
  token: 'priorityclasses',
  group: 'scheduling.k8s.io',
  version: 'v1',
  kind: 'PriorityClass',
  plural: 'priorityclasses',
  namespaced: false,
  alias: 'cluster',
  title: 'PriorityClasses',
  columns: [
    { id: 'value', title: 'VALUE', type: 'number' },
    { id: 'globalDefault', title: 'GLOBAL-DEFAULT', type: 'text' },
    { id: 'preemptionPolicy', title: 'PREEMPTIONPOLICY', type: 'text', priority: 1 },
  ],
  project(object) {
    return baseRow(
      object,
      false,
      {
        value: num(object.value) ?? 0,
        globalDefault: object.globalDefault === true,
        preemptionPolicy: str(object.preemptionPolicy) ?? 'PreemptLowerPriority',
      },
      'neutral',
    );
  },
});

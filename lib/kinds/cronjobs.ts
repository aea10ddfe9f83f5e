import { arr, at, baseRow, containersAndImages, defineKind, formatSelector, rec, str } from './read';

export const cronjobs = defineKind({
  token: 'cronjobs',
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  plural: 'cronjobs',
  namespaced: true,
  alias: 'workloads',
  title: 'CronJobs',
  columns: [
    { id: 'schedule', title: 'SCHEDULE', type: 'text' },
    { id: 'timezone', title: 'TIMEZONE', type: 'text' },
    { id: 'suspend', title: 'SUSPEND', type: 'text' },
    { id: 'active', title: 'ACTIVE', type: 'number' },
    { id: 'lastSchedule', title: 'LAST SCHEDULE', type: 'age' },
    { id: 'containers', title: 'CONTAINERS', type: 'text', priority: 1 },
    { id: 'images', title: 'IMAGES', type: 'text', priority: 1 },
    { id: 'selector', title: 'SELECTOR', type: 'text', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    const status = rec(object.status);
    const jobSpec = at(spec, 'jobTemplate', 'spec');
    const suspended = spec.suspend === true;
    const active = arr(status.active).length;
    return baseRow(
      object,
      true,
      {
        schedule: str(spec.schedule) ?? '',
        timezone: str(spec.timeZone) ?? '<none>',
        suspend: suspended,
        active,
        lastSchedule: str(status.lastScheduleTime) ?? null,
        ...containersAndImages(at(jobSpec, 'template', 'spec')),
        selector: formatSelector(at(jobSpec, 'selector')),
      },
      suspended ? 'neutral' : active > 0 ? 'progress' : 'ok',
    );
  },
});

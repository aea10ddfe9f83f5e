import { at, baseRow, condition, containersAndImages, defineKind, formatSelector, humanDuration, lookup, meta, num, rec, str, time } from './read';
import type { KubeObject, Tone } from './types';

/** STATUS as `kubectl get jobs` prints it (1.28+): the terminal condition, Suspended, Terminating or Running. */
export function jobStatus(job: KubeObject): string {
  const isTrue = (type: string) => condition(job, type)?.status === 'True';
  if (isTrue('Complete')) return 'Complete';
  if (isTrue('Failed')) return 'Failed';
  if (str(meta(job).deletionTimestamp)) return 'Terminating';
  if (isTrue('FailureTarget')) return 'FailureTarget';
  if (isTrue('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  if (isTrue('Suspended')) return 'Suspended';
  return 'Running';
}

const TONES: Record<string, Tone> = { Complete: 'done', Failed: 'error', FailureTarget: 'error', Suspended: 'neutral', SuccessCriteriaMet: 'progress' };

export const jobs = defineKind({
  token: 'jobs',
  group: 'batch',
  version: 'v1',
  kind: 'Job',
  plural: 'jobs',
  namespaced: true,
  alias: 'workloads',
  title: 'Jobs',
  columns: [
    { id: 'status', title: 'STATUS', type: 'status' },
    { id: 'completions', title: 'COMPLETIONS', type: 'text' },
    // Set once the job has finished; a running job's duration is `started`'s age, which
    // the UI ticks (a cached row cannot).
    { id: 'duration', title: 'DURATION', type: 'text' },
    { id: 'started', title: 'STARTED', type: 'age', priority: 1 },
    { id: 'containers', title: 'CONTAINERS', type: 'text', priority: 1 },
    { id: 'images', title: 'IMAGES', type: 'text', priority: 1 },
    { id: 'selector', title: 'SELECTOR', type: 'text', priority: 1 },
  ],
  project(object) {
    const spec = rec(object.spec);
    const status = rec(object.status);
    const succeeded = num(status.succeeded) ?? 0;
    const completions = num(spec.completions);
    const parallelism = num(spec.parallelism) ?? 0;
    const start = time(status.startTime);
    const end = time(status.completionTime);
    const state = jobStatus(object);
    return baseRow(
      object,
      true,
      {
        status: state,
        completions:
          completions !== undefined ? `${succeeded}/${completions}` : parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`,
        duration: start !== undefined && end !== undefined ? humanDuration((end - start) / 1000) : null,
        started: str(status.startTime) ?? null,
        ...containersAndImages(at(spec, 'template', 'spec')),
        selector: formatSelector(spec.selector),
      },
      lookup(TONES, state) ?? 'progress',
    );
  },
});

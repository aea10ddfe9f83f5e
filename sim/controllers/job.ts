/**
 * Job: runs pods until `completions` of them succeed, at most `parallelism` at a time;
 * more than `backoffLimit` failures (failed pods, or container restarts under
 * OnFailure) fail the Job. Conditions SuccessCriteriaMet/Complete or
 * FailureTarget/Failed, startTime and completionTime as the job controller sets them.
 */
import type { Store } from '../store';
import type { KubeObject } from '../types';
import type { EventRecorder } from './events';
import { OwnerController } from './ownerController';
import { isPodFinished, isPodReady, JOBS, nowIso, PODS, podFromTemplate, randomSuffix, setCondition, withStatus, writeIfChanged, type Obj, type OwnerIndex } from './runtime';

export function jobFinished(job: KubeObject): 'Complete' | 'Failed' | undefined {
  const c = ((job.status as Obj)?.conditions ?? []).find((x: Obj) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type;
}

export class JobController extends OwnerController {
  constructor(
    store: Store,
    private readonly owners: OwnerIndex,
    private readonly events: EventRecorder,
    signal: AbortSignal,
  ) {
    super(store, { key: JOBS, childKey: PODS, kind: 'Job', initially: (j) => !jobFinished(j) }, signal);
  }

  protected sync(namespace: string, name: string): void {
    const job = this.store.get(JOBS, namespace, name);
    if (!job || jobFinished(job)) return;
    const spec = job.spec as Obj;
    const completions = spec.completions === null || spec.completions === undefined ? 1 : Number(spec.completions);
    const parallelism = Number(spec.parallelism ?? 1);
    const backoffLimit = Number(spec.backoffLimit ?? 6);
    const pods = this.owners.owned(this.store, PODS, job);
    const succeeded = pods.filter((p) => (p.status as Obj)?.phase === 'Succeeded').length;
    const failedPods = pods.filter((p) => (p.status as Obj)?.phase === 'Failed').length;
    const restarts = spec.template?.spec?.restartPolicy === 'OnFailure' ? pods.reduce((n, p) => n + ((p.status as Obj)?.containerStatuses ?? []).reduce((m: number, c: Obj) => m + (c.restartCount ?? 0), 0), 0) : 0;
    let active = pods.filter((p) => !isPodFinished(p));
    const now = nowIso();
    const prev = (job.status as Obj) ?? {};
    const status: Obj = { ...prev, startTime: prev.startTime ?? now, terminating: 0, uncountedTerminatedPods: {} };
    let conditions: Obj[] = prev.conditions ?? [];
    if (spec.suspend) {
      for (const p of active) this.store.delete(PODS, namespace, p.metadata.name!);
      active = [];
    } else if (succeeded >= completions) {
      for (const p of active) this.store.delete(PODS, namespace, p.metadata.name!);
      active = [];
      conditions = setCondition(conditions, { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now }, now);
      conditions = setCondition(conditions, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now }, now);
      status.completionTime = now;
      this.events.record(job, 'Normal', 'Completed', 'Job completed', 'job-controller');
    } else if (failedPods + restarts > backoffLimit) {
      for (const p of active) this.store.delete(PODS, namespace, p.metadata.name!);
      active = [];
      conditions = setCondition(conditions, { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now }, now);
      conditions = setCondition(conditions, { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now }, now);
      this.events.record(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'job-controller');
    } else {
      const want = Math.min(parallelism, completions - succeeded);
      for (let i = active.length; i < want; i++) {
        const labels = { 'batch.kubernetes.io/controller-uid': job.metadata.uid!, 'batch.kubernetes.io/job-name': name, 'controller-uid': job.metadata.uid!, 'job-name': name };
        const pod = podFromTemplate(spec.template, { name: `${name}-${randomSuffix()}`, namespace, owner: job, labels });
        active.push(this.store.create(PODS, pod));
        this.events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'job-controller');
      }
    }
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.succeeded = succeeded;
    status.failed = failedPods;
    for (const k of ['active', 'succeeded', 'failed']) if (!status[k]) delete status[k];
    if (conditions.length) status.conditions = conditions;
    writeIfChanged(this.store, JOBS, job, withStatus(job, status));
  }
}

/**
 * Job: runs pods until `completions` of them succeed, at most `parallelism` at a time;
 * more than `backoffLimit` failures (failed pods, or container restarts under
 * OnFailure) fail the Job. Conditions SuccessCriteriaMet/Complete or
 * FailureTarget/Failed, startTime and completionTime as the job controller sets them.
 * Pods it no longer needs (suspended, or the Job succeeded or failed with some still
 * running) are deleted gracefully and counted in `status.terminating`; as since
 * Kubernetes 1.31, SuccessCriteriaMet/FailureTarget come first and Complete/Failed
 * only once no pod is terminating.
 */
import { deleteStored } from '../deletion';
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
    const pods = this.owners.owned(this.store, PODS, job).filter((p) => !p.metadata.deletionTimestamp);
    const succeeded = pods.filter((p) => (p.status as Obj)?.phase === 'Succeeded').length;
    const failedPods = pods.filter((p) => (p.status as Obj)?.phase === 'Failed').length;
    const restarts = spec.template?.spec?.restartPolicy === 'OnFailure' ? pods.reduce((n, p) => n + ((p.status as Obj)?.containerStatuses ?? []).reduce((m: number, c: Obj) => m + (c.restartCount ?? 0), 0), 0) : 0;
    let active = pods.filter((p) => !isPodFinished(p));
    const now = nowIso();
    const prev = (job.status as Obj) ?? {};
    const status: Obj = { ...prev, startTime: prev.startTime ?? now, uncountedTerminatedPods: {} };
    let conditions: Obj[] = prev.conditions ?? [];
    const has = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
    const outcome = has('SuccessCriteriaMet') || (!has('FailureTarget') && succeeded >= completions) ? 'success' : has('FailureTarget') || failedPods + restarts > backoffLimit ? 'failure' : undefined;
    if (spec.suspend || outcome) {
      for (const p of active) this.remove(job, p);
      active = [];
    } else {
      const want = Math.min(parallelism, completions - succeeded);
      for (let i = active.length; i < want; i++) {
        const labels = { 'batch.kubernetes.io/controller-uid': job.metadata.uid!, 'batch.kubernetes.io/job-name': name, 'controller-uid': job.metadata.uid!, 'job-name': name };
        const pod = podFromTemplate(spec.template, { name: `${name}-${randomSuffix()}`, namespace, owner: job, labels });
        active.push(this.store.create(PODS, pod));
        this.events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'job-controller');
      }
    }
    // Pods being deleted and not yet stopped; the terminal condition waits for them (Kubernetes 1.31 and later).
    const terminating = this.owners.owned(this.store, PODS, job).filter((p) => p.metadata.deletionTimestamp && !isPodFinished(p)).length;
    if (outcome === 'success') {
      const reached = { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods', lastProbeTime: now };
      conditions = setCondition(conditions, { type: 'SuccessCriteriaMet', status: 'True', ...reached }, now);
      if (!terminating) {
        conditions = setCondition(conditions, { type: 'Complete', status: 'True', ...reached }, now);
        status.completionTime = now;
        this.events.record(job, 'Normal', 'Completed', 'Job completed', 'job-controller');
      }
    } else if (outcome === 'failure') {
      const exceeded = { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastProbeTime: now };
      conditions = setCondition(conditions, { type: 'FailureTarget', status: 'True', ...exceeded }, now);
      if (!terminating) {
        conditions = setCondition(conditions, { type: 'Failed', status: 'True', ...exceeded }, now);
        this.events.record(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'job-controller');
      }
    }
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.succeeded = succeeded;
    status.failed = failedPods;
    status.terminating = terminating;
    for (const k of ['active', 'succeeded', 'failed']) if (!status[k]) delete status[k];
    if (conditions.length) status.conditions = conditions;
    writeIfChanged(this.store, JOBS, job, withStatus(job, status));
  }

  private remove(job: KubeObject, p: KubeObject): void {
    deleteStored(this.store, PODS, p);
    this.events.record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'job-controller');
  }
}

/**
 * CronJob: at each scheduled time (on the cron clock, see Clock.cronNow) a Job named
 * `<cronjob>-<minutes since epoch>` is created from jobTemplate, subject to suspend and
 * concurrencyPolicy; status.active lists running Jobs, lastScheduleTime and
 * lastSuccessfulTime are kept, and finished Jobs beyond the history limits are deleted.
 * One timer per CronJob, set for its next run.
 */
import { randomUUID } from 'node:crypto';
import type { Store, StoreEvent } from '../store';
import type { KubeObject } from '../types';
import { parseCron, lastRunBetween, nextRun } from './cron';
import type { EventRecorder } from './events';
import { jobFinished } from './job';
import { controllerOf, CRONJOBS, JOBS, nowIso, ownerRefTo, WorkQueue, withStatus, writeIfChanged, type Clock, type Obj, type OwnerIndex, type Scheduler } from './runtime';

export class CronJobController {
  private queue: WorkQueue;
  private timers = new Map<string, () => void>();

  constructor(
    private readonly store: Store,
    private readonly owners: OwnerIndex,
    private readonly events: EventRecorder,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    signal: AbortSignal,
  ) {
    this.queue = new WorkQueue(signal, (ns, name) => this.sync(ns, name));
    for (const c of store.iterate(CRONJOBS)) this.queue.add(c.metadata.namespace, c.metadata.name!);
  }

  onEvent(e: StoreEvent): void {
    if (e.key === CRONJOBS) {
      const k = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      if (e.type === 'DELETED') {
        this.timers.get(k)?.();
        this.timers.delete(k);
      } else if (e.type === 'ADDED' || JSON.stringify(e.previous?.spec) !== JSON.stringify(e.object.spec)) this.queue.add(e.object.metadata.namespace, e.object.metadata.name!);
    }
    if (e.key === JOBS) {
      const owner = controllerOf(e.object);
      if (owner?.kind === 'CronJob') this.queue.add(e.object.metadata.namespace, owner.name);
    }
  }

  private sync(namespace: string, name: string): void {
    const cj = this.store.get(CRONJOBS, namespace, name);
    if (!cj) return;
    const spec = cj.spec as Obj;
    const key = `${namespace}/${name}`;
    let schedule;
    try {
      schedule = parseCron(String(spec.schedule ?? ''));
    } catch (err) {
      this.events.record(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(spec.schedule)} : ${(err as Error).message}`, 'cronjob-controller');
      return;
    }
    const prev = (cj.status as Obj) ?? {};
    const now = this.clock.cronNow();
    const since = Date.parse(prev.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || now;
    let jobs = this.owners.owned(this.store, JOBS, cj);
    const due = spec.suspend ? undefined : lastRunBetween(schedule, since, now);
    let lastScheduleTime = prev.lastScheduleTime;
    if (due !== undefined) {
      const active = jobs.filter((j) => !jobFinished(j));
      const policy = spec.concurrencyPolicy ?? 'Allow';
      if (policy === 'Forbid' && active.length) {
        this.events.record(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid', 'cronjob-controller');
      } else {
        if (policy === 'Replace') {
          for (const j of active) {
            this.store.delete(JOBS, namespace, j.metadata.name!);
            this.events.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, 'cronjob-controller');
          }
        }
        const jobName = `${name}-${Math.floor(due / 60_000)}`;
        if (!this.store.get(JOBS, namespace, jobName)) {
          const tpl = structuredClone(spec.jobTemplate ?? {});
          const uid = randomUUID();
          const jobLabels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': jobName, 'controller-uid': uid, 'job-name': jobName };
          tpl.spec ??= {};
          tpl.spec.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
          tpl.spec.template = { ...(tpl.spec.template ?? {}), metadata: { ...(tpl.spec.template?.metadata ?? {}), labels: { ...(tpl.spec.template?.metadata?.labels ?? {}), ...jobLabels } } };
          const job = this.store.create(JOBS, {
            apiVersion: 'batch/v1',
            kind: 'Job',
            metadata: {
              name: jobName,
              namespace,
              uid,
              labels: { ...(tpl.metadata?.labels ?? {}) },
              annotations: { ...(tpl.metadata?.annotations ?? {}), 'batch.kubernetes.io/cronjob-scheduled-timestamp': nowIso(due) },
              ownerReferences: [ownerRefTo(cj)],
              generation: 1,
            },
            spec: { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, ...(tpl.spec ?? {}) },
          });
          jobs = [...jobs, job];
          this.events.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${jobName}`, 'cronjob-controller');
        }
      }
      lastScheduleTime = nowIso(due);
    }
    jobs = this.owners.owned(this.store, JOBS, cj);
    const finished = jobs.filter((j) => jobFinished(j));
    for (const j of finished) {
      if (!(prev.active ?? []).some((a: Obj) => a.uid === j.metadata.uid)) continue;
      this.events.record(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${jobFinished(j)}`, 'cronjob-controller');
    }
    const byAge = (a: KubeObject, b: KubeObject) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) || a.metadata.name!.localeCompare(b.metadata.name!);
    for (const [kind, limit] of [['Complete', spec.successfulJobsHistoryLimit ?? 3], ['Failed', spec.failedJobsHistoryLimit ?? 1]] as const) {
      const done = finished.filter((j) => jobFinished(j) === kind).sort(byAge);
      for (const j of done.slice(0, Math.max(0, done.length - Number(limit)))) {
        this.store.delete(JOBS, namespace, j.metadata.name!);
        this.events.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, 'cronjob-controller');
      }
    }
    jobs = this.owners.owned(this.store, JOBS, cj);
    const active = jobs.filter((j) => !jobFinished(j)).sort(byAge);
    const lastSuccess = jobs
      .filter((j) => jobFinished(j) === 'Complete')
      .map((j) => (j.status as Obj)?.completionTime as string)
      .sort()
      .pop();
    const status: Obj = { ...prev };
    if (lastScheduleTime) status.lastScheduleTime = lastScheduleTime;
    if (lastSuccess && (!prev.lastSuccessfulTime || lastSuccess > prev.lastSuccessfulTime)) status.lastSuccessfulTime = lastSuccess;
    if (active.length) status.active = active.map((j) => ({ kind: 'Job', namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion }));
    else delete status.active;
    writeIfChanged(this.store, CRONJOBS, cj, withStatus(cj, status));
    // Wake up for the next run.
    this.timers.get(key)?.();
    const next = nextRun(schedule, Math.max(now, due ?? 0));
    if (next !== undefined) this.timers.set(key, this.scheduler.after(Math.min(this.clock.realUntilCron(next) + 5, 2 ** 31 - 1), () => this.queue.add(namespace, name)));
  }
}

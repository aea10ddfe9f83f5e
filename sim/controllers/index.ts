/**
 * Starts every controller against a store. Each one is fed by the store's change feed
 * (synchronously indexed, then synced on a later turn through its work queue) and
 * stops when `signal` aborts.
 */
import { SIM_CERT } from '../listener';
import type { Store, StoreEvent } from '../store';
import { CronJobController } from './cronjob';
import { DaemonSetController } from './daemonset';
import { DeploymentController } from './deployment';
import { DisruptionController } from './disruption';
import { EndpointSliceController } from './endpointslices';
import { EndpointsController } from './endpoints';
import { EventRecorder } from './events';
import { GarbageCollector } from './gc';
import { HorizontalPodAutoscalerController } from './hpa';
import { JobController } from './job';
import { Kubelet } from './kubelet';
import { NodeController } from './nodes';
import { NamespaceContentsController } from './namespaces';
import { ReplicaSetController } from './replicaset';
import { ResourceQuotaController } from './quota';
import { Clock, OwnerIndex, Scheduler, type ClockOptions } from './runtime';
import { StatefulSetController } from './statefulset';
import { VolumeController } from './volumes';

export { containerRuns, type Run } from './podRuntime';
export type { ClockOptions } from './runtime';

export interface Controllers {
  clock: Clock;
  scheduler: Scheduler;
  events: EventRecorder;
}

export function startControllers(store: Store, signal: AbortSignal, opts: Partial<ClockOptions> = {}): Controllers {
  const clock = new Clock(opts);
  const scheduler = new Scheduler(signal);
  const events = new EventRecorder(store, scheduler);
  const owners = new OwnerIndex(store);
  const gc = new GarbageCollector(store, owners, signal);
  const handlers: { onEvent(e: StoreEvent): void }[] = [
    new Kubelet(store, clock, scheduler, events),
    new ReplicaSetController(store, owners, events, signal),
    new DeploymentController(store, owners, events, signal),
    new StatefulSetController(store, owners, events, signal),
    new DaemonSetController(store, owners, events, signal),
    new JobController(store, owners, events, signal),
    new CronJobController(store, owners, events, clock, scheduler, signal),
    new EndpointSliceController(store, signal),
    new EndpointsController(store, signal),
    new NamespaceContentsController(store, SIM_CERT, signal),
    new VolumeController(store, signal),
    new HorizontalPodAutoscalerController(store, events, clock, scheduler, signal),
    new ResourceQuotaController(store, signal),
    new NodeController(store, clock, scheduler),
    new DisruptionController(store, signal),
  ];
  const unsubscribe = store.subscribe((e) => {
    if (signal.aborted) return;
    owners.apply(e);
    gc.onEvent(e);
    if (e.key === '/events') return;
    for (const h of handlers) h.onEvent(e);
  });
  signal.addEventListener('abort', unsubscribe);
  return { clock, scheduler, events };
}

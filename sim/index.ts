/**
 * The simulated Kubernetes API server as a library: `startSimulator()` seeds a
 * scenario, serves the Kubernetes wire protocol on a loopback port and writes a
 * kubeconfig for the built-in users. `close()` stops everything it started.
 */
import { writeFile } from 'node:fs/promises';
import { BearerTokens, builtinUsers, RbacAuthorizer, reviewResources, type BuiltinUser } from './auth/index';
import { DEFAULT_OPTIONS, type SimContext, type SimOptions } from './api/context';
import { syncCrds } from './crd';
import { kubeconfigFor } from './kubeconfig';
import { listenDual, SIM_CERT } from './listener';
import { OpenApi } from './openapi';
import { StoreRbacSource } from './rbacSource';
import { Registry, reviewType } from './resources';
import { seedScenario } from './scenarios/index';
import { startChurn } from './scenarios/churn';
import { startControllers } from './controllers/index';
import { createHandler } from './server';
import { createUpgradeHandler } from './exec/handler';
import { Faults } from './faults/faults';
import { METRICS_GROUP } from './metrics';
import { withFaults } from './faults/http';
import { Store } from './store';

export interface StartOptions extends Partial<SimOptions> {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  scenario?: string;
  /** Where to write the kubeconfig, if anywhere. */
  kubeconfigPath?: string;
  /** Most watch events kept for resume, whatever their age. */
  historyWindow?: number;
  /** Simulated seconds of watch events kept for resume (default 300, divided by clockSpeed in real time); older resourceVersions get 410 Expired. */
  historySeconds?: number;
  /** Run the controllers (pod lifecycle, workloads, endpoints, events). Default true. */
  controllers?: boolean;
  /** How much faster than real time simulated durations pass (run times, back-offs). Default 1. */
  clockSpeed?: number;
  /** Real milliseconds one cron minute lasts. Default 60 000 / clockSpeed. */
  cronTickMs?: number;
  /** Ongoing changes per second: pod modifications, creations and deletions (`large`), or the demo's gentle churn rate. */
  churn?: number;
  /** Label each churned pod with the wall-clock microsecond of the write (`bench.crowsnest/t`), for latency benchmarks. */
  churnStamp?: boolean;
  /** Serve metrics.k8s.io, as a cluster with metrics-server does. Default true; false is a cluster without it (the group is not discovered, its paths are 404). */
  metrics?: boolean;
}

export interface Simulator {
  /** `https://host:port` — what the kubeconfig names (kubectl sends tokens only over TLS). */
  url: string;
  /** The same port spoken as plain HTTP, for scripts and tests. */
  httpUrl: string;
  /** PEM of the self-signed certificate the simulator serves. */
  caCert: string;
  port: number;
  users: BuiltinUser[];
  kubeconfig: string;
  kubeconfigPath?: string;
  store: Store;
  registry: Registry;
  /** Ends every open watch cleanly, as an apiserver restart would; clients re-watch. */
  closeWatches(): void;
  /** Changes a running `large` scenario's churn rate (changes/s; 0 pauses); also `POST /sim/faults/churn`. Throws for other scenarios. */
  setChurnRate(rate: number): void;
  /** Faults for resilience tests (also at `POST /sim/faults/<action>`, see sim/faults/README.md). */
  faults: Faults;
  close(): Promise<void>;
}

export async function startSimulator(opts: StartOptions = {}): Promise<Simulator> {
  const store = new Store(opts.historyWindow ?? 5000, { windowMs: opts.historySeconds === undefined ? undefined : opts.historySeconds * 1000, now: simulatedClock(opts.clockSpeed) });
  const registry = new Registry(Object.entries(reviewResources).map(([name, r]) => reviewType(name, r)));
  if (opts.metrics === false) for (const t of registry.all()) if (t.group === METRICS_GROUP) registry.remove(`${t.group}/${t.resource}`);
  const abort = new AbortController();
  const stops: (() => void)[] = [];
  stops.push(syncCrds(store, registry));
  const rbac = new StoreRbacSource(store);
  stops.push(rbac.stop);
  seedScenario(opts.scenario ?? 'demo', store, registry);
  if (opts.controllers !== false) startControllers(store, abort.signal, { clockSpeed: opts.clockSpeed, cronTickMs: opts.cronTickMs });
  const setChurnRate = startChurn(opts.scenario ?? 'demo', store, abort.signal, { rate: opts.churn, clockSpeed: opts.clockSpeed, controllers: opts.controllers, stamp: opts.churnStamp });

  const options: SimOptions = { ...DEFAULT_OPTIONS };
  for (const k of Object.keys(DEFAULT_OPTIONS) as (keyof SimOptions)[]) if (opts[k] !== undefined) options[k] = opts[k]!;
  const timers = new Set<NodeJS.Timeout>();
  const ctx: SimContext = {
    store,
    registry,
    authz: new RbacAuthorizer(rbac),
    options,
    signal: abort.signal,
    watches: new Map(),
    later(ms, fn) {
      if (abort.signal.aborted) return;
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    },
  };

  const users = builtinUsers();
  const tokens = new BearerTokens(store, users.map((u) => [u.token, u.user] as const));
  const host = opts.host ?? '127.0.0.1';
  const faults = new Faults(ctx, setChurnRate);
  const listener = await listenDual(withFaults(faults, tokens, createHandler(ctx, tokens, new OpenApi(registry, store))), opts.port ?? 0, host, createUpgradeHandler(ctx, tokens));
  faults.attach(listener);
  const port = listener.port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const url = `https://${hostPart}:${port}`;
  const kubeconfig = kubeconfigFor(url, users, SIM_CERT);
  if (opts.kubeconfigPath) await writeFile(opts.kubeconfigPath, kubeconfig, { mode: 0o600 });

  let closing: Promise<void> | undefined;
  return {
    url,
    httpUrl: `http://${hostPart}:${port}`,
    caCert: SIM_CERT,
    port,
    users,
    kubeconfig,
    kubeconfigPath: opts.kubeconfigPath,
    store,
    registry,
    faults,
    setChurnRate: (rate) => faults.setChurnRate(rate),
    closeWatches() {
      for (const close of [...ctx.watches.keys()]) close();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        abort.abort();
        for (const close of [...ctx.watches.keys()]) close();
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const stop of stops) stop();
        listener.close().then(resolve);
      });
      return closing;
    },
  };
}

/** Wall time sped up by clockSpeed from now on: the clock simulated durations are measured by. */
function simulatedClock(clockSpeed = 1): () => number {
  const origin = Date.now();
  const speed = clockSpeed > 0 ? clockSpeed : 1;
  return () => origin + (Date.now() - origin) * speed;
}

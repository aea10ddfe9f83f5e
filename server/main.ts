import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, parse } from 'node:url';
import next from 'next';
import { Server as SocketServer } from 'socket.io';
import { actorFromCookieHeader } from './auth/actor';
import { buildAuthOptions } from './auth/authOptions';
import { readAuthSettings } from './auth/authSettings';
import { MemoryRevocations } from './auth/revocations';
import { MemoryLimits } from './limits';
import { connectFleet } from './fleet/connectFleet';
import { registerFleetMetrics } from './fleet/fleetMetrics';
import { SessionWatch } from './auth/sessionWatch';
import { buildIsStale } from './buildFreshness';
import { ClusterRegistry, type ClusterSource } from './clusters/clusterRegistry';
import { ConfigError, isLoopback, listenHost, readConfig } from './config';
import { DEMO_CLUSTER, DEMO_YARDS, startDemoCluster } from './demo';
import { createHttpServer } from './http/httpServer';
import { RateLimiter } from './http/rateLimiter';
import { describeWatchStreams } from '../lib/kinds';
import { LiveData } from './live/liveData';
import { serveWatch } from './api/watchEndpoint';
import { log } from './log';
import { metricsText } from './metrics';
import { registerLiveMetrics } from './live/liveMetrics';
import { setRuntime } from './runtime';
import { installShutdown } from './shutdown';
import { sessionHandshake } from './sockets/handshake';
import { readSocketConfig, registerSockets } from './sockets';
import { LocalYardStorage } from './yard/storage';
import { readYardConfig } from './yard/yardConfig';
import { Yards } from './yard/yards';
import { PresenceHub } from './presence/presenceHub';
import { LocalLease } from './live/deltaBus';
import { createUsageStore } from './usage/createUsageStore';
import { UsageService } from './usage/usageService';

const projectDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `npm start` on a fresh checkout (or after the sources changed): build, then serve. */
function ensureBuild(): void {
  if (!buildIsStale(projectDir)) return;
  log.info('no up-to-date production build: running `next build`');
  const nextBin = join(projectDir, 'node_modules', '.bin', 'next');
  const result = spawnSync(nextBin, ['build'], { cwd: projectDir, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status ?? result.signal})`);
}

/** Outside production a missing secret is made up per process (sessions end at restart), with a warning. */
function ensureDevSecret(): void {
  if (process.env.NEXTAUTH_SECRET || process.env.NODE_ENV === 'production') return;
  Object.assign(process.env, { NEXTAUTH_SECRET: randomBytes(32).toString('base64url') });
  log.warn('NEXTAUTH_SECRET is not set: using a random one, so sessions end when this process stops and no other replica accepts them');
}

async function main(): Promise<void> {
  const config = readConfig();
  // "Production" is the operator's NODE_ENV, read before Next's own default is applied below.
  ensureDevSecret();
  const authSettings = readAuthSettings();
  // Next serves a production build only under NODE_ENV=production, as `next start` would set it.
  if (!config.dev && !process.env.NODE_ENV) Object.assign(process.env, { NODE_ENV: 'production' });
  // Without a configured public URL, next-auth builds its callback URLs from the Host header.
  if (!process.env.NEXTAUTH_URL) Object.assign(process.env, { AUTH_TRUST_HOST: '1' });

  const root = new AbortController();
  // Every informer, stream and socket listens to the root signal.
  setMaxListeners(0, root.signal);
  const dataDir = mkdtempSync(join(tmpdir(), 'crowsnest-'));
  root.signal.addEventListener('abort', () => rmSync(dataDir, { recursive: true, force: true }), { once: true });

  // The development sign-in lets anyone who reaches the port be cluster-admin: unless HOST says otherwise, only this machine may.
  const host = listenHost(config, authSettings.mode);
  const loopbackOnly = isLoopback(host);
  config.host = host;

  let source: ClusterSource;
  let kubectlHint: string | undefined;
  if (config.demo) {
    const demo = await startDemoCluster(dataDir, root.signal);
    source = { kind: 'kubeconfig', paths: [demo.kubeconfigPath] };
    const people = demo.userContexts.filter((c) => c !== 'admin');
    kubectlHint = `kubectl beside the portal: KUBECONFIG=${demo.usersKubeconfigPath} kubectl --context <${people.join('|')}|admin> get pods -A (cluster "${DEMO_CLUSTER}"; the file is removed when the portal stops)`;
  } else if (config.inCluster) {
    source = { kind: 'in-cluster', serviceAccountDir: config.serviceAccountDir };
  } else {
    source = { kind: 'kubeconfig', paths: config.kubeconfigPaths };
  }
  const clusters = new ClusterRegistry(source, { accessReviewTtlMs: config.accessReviewTtlSeconds * 1000, rbacLivenessMs: config.live.livenessSeconds * 1000 });
  const fleet = config.redisUrl ? await connectFleet(config, root.signal) : undefined;
  await fleet?.claimClusters(clusters.names().map((name) => ({ name, server: clusters.get(name)!.server })));
  // In a fleet, one replica watches each cluster's RBAC and tells the others.
  clusters.start(root.signal, fleet?.rbac);
  const revocations = fleet?.revocations ?? new MemoryRevocations();
  const resolveActor = (cookie: string | undefined) => actorFromCookieHeader(cookie, { secret: authSettings.secret, revocations, sessionMaxAgeSeconds: authSettings.sessionMaxAgeSeconds });
  // One watch over every long-lived channel's session: SSE streams and sockets end when their person signs out.
  const sessions = new SessionWatch(revocations, config.sessionCheckSeconds * 1000, root.signal, config.sessionGraceSeconds * 1000);
  // Per-person caps: counted across the fleet in Redis, or in this process.
  const limits = fleet?.limits ?? new MemoryLimits();
  const live = new LiveData(clusters, config.live, root.signal, sessions, fleet ? { bus: fleet.bus, lease: fleet.lease, limits } : { limits });
  live.start();
  registerLiveMetrics(live);
  if (fleet) {
    registerFleetMetrics(fleet, live);
    fleet.followers.start(live);
  }
  log.info(describeWatchStreams(config.live.watchStreams));
  const yardConfig = readYardConfig(config.demo ? { CROWSNEST_YARDS: DEMO_YARDS, ...process.env } : process.env);
  const yards = new Yards(yardConfig, fleet?.yards ?? new LocalYardStorage(yardConfig.dataDir), (name) => clusters.names().includes(name));
  const presence = new PresenceHub(fleet?.replicaId ?? hostname(), root.signal, fleet?.channel('crowsnest:presence'));
  if (!fleet && !yardConfig.dataDir) log.info('yards are kept in memory only: set CROWSNEST_DATA_DIR (or REDIS_URL) to keep them across restarts');
  // One usage sampler per cluster in the fleet, under the same leases as the informers.
  const usage = new UsageService(clusters, createUsageStore(config, root.signal), fleet?.lease ?? new LocalLease(), config.usageIntervalSeconds * 1000, root.signal);
  usage.start();
  setRuntime({
    clusters,
    live,
    usage,
    fleet,
    config,
    yards,
    presence,
    auth: { settings: authSettings, revocations, options: buildAuthOptions(authSettings, revocations) },
    signal: root.signal,
    startedAt: new Date(),
  });

  if (!config.dev) ensureBuild();
  const app = next({ dev: config.dev, dir: projectDir, hostname: 'localhost', port: config.port });
  await app.prepare();
  const handle = app.getRequestHandler();

  let accepting = false;
  let draining = false;
  const server = createHttpServer({
    next: (req, res) => handle(req, res, parse(req.url ?? '/', true)),
    readiness: () => {
      if (!accepting || draining) return { ready: false, reason: draining ? 'draining' : 'starting' };
      // Without Redis a replica still serves, from its own informers: it stays in the balancer's rotation.
      return fleet && fleet.link.state === 'down' ? { ready: true, degraded: `redis unavailable (${fleet.link.reason})` } : { ready: true };
    },
    resolveActor,
    rateLimiter: new RateLimiter(config.rateLimit.perSecond, config.rateLimit.burst),
    dev: config.dev,
    trustProxy: config.trustProxy,
    publicOrigin: config.publicOrigin,
    metrics: metricsText,
    streamConnections: live.hub.connections,
    serveWatch: (req, res, actor) => serveWatch(req, res, { actor, live, maxNamespaces: config.live.maxNamespacesPerStream }),
  });

  // WebSocket only: a browser's long-polling handshake (a plain GET) carries no Origin to check.
  const io = new SocketServer(server, { path: '/socket.io', serveClient: false, destroyUpgrade: false, transports: ['websocket'] });
  const socketConfig = readSocketConfig();
  const handshake = sessionHandshake({ resolveActor, publicOrigin: config.publicOrigin, socketsPerUser: socketConfig.socketsPerUser, limits });
  io.use(handshake);
  io.on('new_namespace', (namespace) => namespace.use(handshake));
  registerSockets(io, { clusters, sessions, config: socketConfig, signal: root.signal, limits, yards, presence, logUpstreams: fleet?.logUpstreams });
  if (config.dev) {
    const upgrade = app.getUpgradeHandler();
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/socket.io')) void upgrade(req, socket, head);
    });
  }

  installShutdown({
    server,
    root,
    drainSeconds: config.drainSeconds,
    onDrain: () => {
      draining = true;
    },
    // Before clients are told to reconnect: the informers give their leases back, so other replicas take the kinds over at once.
    handOver: () => live.handOver(),
    // Disconnects every socket; the HTTP server itself is closed by the drain.
    beforeClose: [
      () => void io.close(),
      // What else holds a lease (RBAC watches, usage sampling, log follows) gives it back as it stops.
      async () => {
        await Promise.all([live.settled(), yards.close(), usage.settled()]);
        await fleet?.close();
      },
    ],
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => resolve());
  });
  accepting = true;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${loopbackOnly || host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
  const names = clusters.names();
  if (authSettings.mode === 'dev') {
    if (loopbackOnly) log.info({ host }, `development sign-in: listening on ${host} only, so only this machine can sign in (set HOST to listen elsewhere)`);
    else log.warn({ host }, `development sign-in on ${host}: anyone who can reach port ${port} can sign in as any demo user, including a cluster-admin`);
  }
  if (kubectlHint) log.info(kubectlHint);
  log.info(
    { banner: true, url, host, port, clusters: names, demo: config.demo, auth: authSettings.mode },
    `Crowsnest is serving ${url} with cluster(s): ${names.join(', ') || 'none'} (sign-in: ${authSettings.mode === 'dev' ? 'development users' : 'SSO'})`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    log.fatal(`configuration error: ${err.message}`);
  } else {
    log.fatal({ err }, 'Crowsnest failed to start');
  }
  process.exit(1);
});

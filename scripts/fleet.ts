/**
 * `npm run fleet [-- --replicas <n>] [--scenario demo|empty|large:<pods>] [--port <port>]`
 *
 * A fleet on one machine, the way it runs in a cluster: redis-server, the
 * simulated cluster, N portal replicas sharing it through Redis, and nginx in
 * front as a round-robin load balancer without sticky sessions. Prints the
 * URL; Ctrl-C stops everything.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { buildIsStale } from '../server/buildFreshness';
import { NGINX, startBalancer, type Balancer } from './fleet/balancer';

const root = join(import.meta.dirname, '..');
const USAGE = 'usage: npm run fleet -- [--replicas <1-16>] [--scenario demo|empty|large:<pods>] [--port <port>]';

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]): { replicas: number; scenario: string; port: number } {
  const out = { replicas: 3, scenario: 'demo', port: 8080 };
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(replicas|scenario|port)(?:=(.*))?$/.exec(argv[i]);
    if (!m) fail(`unknown argument "${argv[i]}"`);
    const value = m[2] ?? argv[++i];
    if (value === undefined || value === '') fail(`--${m[1]} needs a value`);
    if (m[1] === 'scenario') {
      if (!/^(demo|empty|large:\d{1,7})$/.test(value)) fail(`--scenario must be demo, empty or large:<pods>, got "${value}"`);
      out.scenario = value;
    } else {
      const n = Number(value);
      const [min, max] = m[1] === 'replicas' ? [1, 16] : [1, 65535];
      if (!Number.isInteger(n) || n < min || n > max) fail(`--${m[1]} must be a whole number from ${min} to ${max}, got "${value}"`);
      out[m[1] as 'replicas' | 'port'] = n;
    }
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];

/** Spawns a child and resolves once `ready` matches its output. */
function startChild(name: string, command: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 180 s:\n${output.slice(-4000)}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}):\n${output.slice(-4000)}`));
    });
  });
}

async function main(): Promise<void> {
  const { replicas, scenario, port } = parseArgs(process.argv.slice(2));
  for (const [what, present, pkg] of [
    ['redis-server', spawnSync('redis-server', ['--version']).status === 0, 'redis-server'],
    ['nginx', existsSync(NGINX), 'nginx'],
  ] as const) {
    if (!present) fail(`${what} is not installed: apt-get install -y ${pkg}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'crowsnest-fleet-'));
  let balancer: Balancer | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the fleet…');
    await balancer?.stop().catch(() => undefined);
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    // Every replica serves the same production build: made once here, not by each replica at once.
    if (buildIsStale(root)) {
      console.log('building the portal (next build)…');
      const built = spawnSync(join(root, 'node_modules', '.bin', 'next'), ['build'], { cwd: root, stdio: 'inherit' });
      if (built.status !== 0) throw new Error('next build failed');
    }
    const redisPort = await freePort();
    await startChild('redis-server', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
    const simKubeconfig = join(dir, 'sim.kubeconfig');
    const sim = await startChild('the simulator', process.execPath, ['--import', 'tsx', join(root, 'sim', 'main.ts'), '--port', '0', '--kubeconfig', simKubeconfig, '--scenario', scenario], /serving at (https:\/\/\S+)[\s\S]*kubeconfig written/);

    // The portal's own identity: the simulator's cluster-admin, as one cluster named `demo`.
    const all = new KubeConfig();
    all.loadFromFile(simKubeconfig);
    const admin = all.getContextObject('admin')!;
    const portalConfig = new KubeConfig();
    portalConfig.loadFromOptions({
      clusters: [{ ...all.getCluster(admin.cluster)!, name: 'demo' }],
      users: [{ ...all.getUser(admin.user)!, name: 'crowsnest' }],
      contexts: [{ name: 'demo', cluster: 'demo', user: 'crowsnest' }],
      currentContext: 'demo',
    });
    const kubeconfig = join(dir, 'portal.kubeconfig');
    writeFileSync(kubeconfig, portalConfig.exportConfig(), { mode: 0o600 });

    const secret = randomBytes(32).toString('base64url');
    const ports = await Promise.all(Array.from({ length: replicas }, () => freePort()));
    await Promise.all(
      ports.map((replicaPort, i) =>
        startChild(`replica ${i + 1}`, process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts')], /Crowsnest is serving/, {
          ...process.env,
          PORT: String(replicaPort),
          HOST: '127.0.0.1',
          KUBECONFIG: kubeconfig,
          CROWSNEST_DEMO: '0',
          REDIS_URL: `redis://127.0.0.1:${redisPort}`,
          // One secret for the fleet: a session from any replica is valid on every replica.
          NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? secret,
          CROWSNEST_TRUST_PROXY: '1',
        }),
      ),
    );
    balancer = await startBalancer(join(dir, 'nginx'), port, ports.map((p) => `127.0.0.1:${p}`));
    console.log(`\nCrowsnest fleet: ${replicas} replica(s) behind nginx, one Redis, the simulated cluster (${scenario}) at ${sim.match[1]}`);
    console.log(`  open ${balancer.url.replace('127.0.0.1', 'localhost')} and sign in as alice, bob or carol (demo sign-in)`);
    console.log(`  replicas: ${ports.map((p) => `http://127.0.0.1:${p}`).join(', ')}`);
    console.log('  Ctrl-C stops everything');
  } catch (err) {
    console.error((err as Error).message);
    await stop(1);
  }
}

void main();

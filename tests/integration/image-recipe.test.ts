/**
 * The container image's recipe, proven without a container engine: the Dockerfile's own
 * instructions are read and carried out in temporary directories (one per stage, standing
 * for its root filesystem): the build context filtered by .dockerignore, every RUN step as
 * written, every COPY between stages. The final stage's CMD is then started and must serve,
 * with production dependencies only, and drain on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/until';

const ROOT = new URL('../..', import.meta.url).pathname;

interface Instruction {
  op: string;
  flags: Record<string, string>;
  args: string;
}

interface Stage {
  name: string;
  /** Stands for the stage's filesystem root. */
  root: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  cmd?: string[];
  exposed: number[];
}

/** The Dockerfile's instructions: continuation lines joined, comments dropped, leading `--flag=value`s split off. */
function parseDockerfile(text: string): Instruction[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return lines.map((line) => {
    const [, op, rest] = /^(\S+)\s+(.*)$/.exec(line)!;
    const flags: Record<string, string> = {};
    let args = rest;
    for (let m; (m = /^--([a-z]+)=(\S+)\s+/.exec(args)); args = args.slice(m[0].length)) flags[m[1]] = m[2];
    return { op: op.toUpperCase(), flags, args };
  });
}

/** Top-level names the build context leaves out (Docker matches patterns from the context root). */
function dockerignore(text: string): RegExp[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((pattern) => {
      if (pattern.includes('/') || pattern.startsWith('!')) throw new Error(`.dockerignore pattern ${pattern}: this test reads top-level patterns only`);
      return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
    });
}

/** Build steps still running (stopped when the test ends, however it ends). */
const running = new Set<ChildProcess>();

function run(command: string, cwd: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group, so that stopping it stops what it started (npm, next build).
    const child = spawn('sh', ['-c', command], { cwd, env: { ...process.env, ...env, npm_config_prefer_offline: 'true' } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child);
    child.on('close', () => running.delete(child));
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`RUN ${command} failed (${code}):\n${output.slice(-3000)}`))));
  });
}

/**
 * Carries out the Dockerfile; returns every stage, the last one being the image. Stages run
 * side by side, as BuildKit runs them: a `COPY --from` waits for the stage it copies from.
 */
async function build(dockerfile: string, context: string, scratch: string): Promise<Stage[]> {
  const ignored = dockerignore(readFileSync(join(context, '.dockerignore'), 'utf8'));
  const plan: { stage: Stage; steps: Instruction[] }[] = [];
  for (const instruction of parseDockerfile(dockerfile)) {
    if (instruction.op === 'FROM') {
      const name = /\bAS\s+(\S+)$/i.exec(instruction.args)?.[1] ?? `stage-${plan.length}`;
      plan.push({ stage: { name, root: mkdtempSync(join(scratch, `${name}-`)), workdir: '/', env: {}, exposed: [] }, steps: [] });
    } else {
      if (plan.length === 0) throw new Error(`${instruction.op} before FROM`);
      plan.at(-1)!.steps.push(instruction);
    }
  }
  const at = (s: Stage, path: string) => join(s.root, path.startsWith('/') ? path : join(s.workdir, path));
  const finished = new Map<string, Promise<void>>();

  async function carryOut(stage: Stage, steps: Instruction[]): Promise<void> {
    for (const { op, flags, args } of steps) {
      switch (op) {
        case 'WORKDIR':
          stage.workdir = args;
          mkdirSync(at(stage, '.'), { recursive: true });
          break;
        case 'ENV':
          for (const [, k, v] of args.matchAll(/(\w+)=(\S+)/g)) stage.env[k] = v;
          break;
        case 'COPY': {
          const parts = args.split(/\s+/);
          const dest = parts.pop()!;
          const from = flags.from ? plan.find((p) => p.stage.name === flags.from)?.stage : undefined;
          if (flags.from && !from) throw new Error(`COPY --from=${flags.from}: no such stage`);
          if (from) await finished.get(from.name);
          for (const source of parts) {
            const src = from ? at(from, source) : join(context, source);
            const target = dest.endsWith('/') || parts.length > 1 || source === '.' ? join(at(stage, dest), source === '.' ? '' : source.split('/').pop()!) : at(stage, dest);
            cpSync(src, target, {
              recursive: true,
              preserveTimestamps: true,
              filter: (path) => from !== undefined || relative(context, path) === '' || !ignored.some((re) => re.test(relative(context, path).split('/')[0])),
            });
          }
          break;
        }
        case 'RUN':
          await run(args, at(stage, '.'), stage.env);
          break;
        case 'USER':
          stage.user = args;
          break;
        case 'EXPOSE':
          stage.exposed.push(Number(args));
          break;
        case 'CMD':
          stage.cmd = JSON.parse(args);
          break;
        default:
          throw new Error(`Dockerfile instruction ${op} is not carried out by this test`);
      }
    }
  }

  for (const { stage, steps } of plan) finished.set(stage.name, carryOut(stage, steps));
  await Promise.all(finished.values());
  return plan.map((p) => p.stage);
}

describe('the image recipe (Dockerfile and .dockerignore)', () => {
  let scratch: string;
  let image: Stage;
  let child: ChildProcess | undefined;
  let output = '';
  let url = '';

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'crowsnest-image-'));
    const stages = await build(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'), ROOT, scratch);
    image = stages.at(-1)!;
    const [command, ...args] = image.cmd!;
    // What a `docker run` adds: a port, and the settings production refuses to guess (here the demo cluster and users).
    const env: Record<string, string> = { PATH: process.env.PATH!, HOME: scratch, ...image.env, PORT: '0', CROWSNEST_DEMO: '1', CROWSNEST_AUTH: 'dev', CROWSNEST_ALLOW_DEV_AUTH: '1', NEXTAUTH_SECRET: 'image-recipe-test-secret-0123456789abcdef' };
    const started = spawn(command, args, {
      cwd: join(image.root, image.workdir),
      env: env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout.on('data', (d) => (output += d));
    started.stderr.on('data', (d) => (output += d));
    const serving = await until(() => /"msg":"Crowsnest is serving[^"]*"/.exec(output) && /"port":(\d+)/.exec(output.slice(output.indexOf('Crowsnest is serving') - 400)), {
      timeoutMs: 90_000,
      message: 'the image to serve',
    }).catch((err: Error) => {
      throw new Error(`${err.message}\n${output.slice(-3000)}`);
    });
    url = `http://127.0.0.1:${serving[1]}`;
    // npm ci and next build: minutes, more when the machine is shared with the rest of the suite.
  }, 600_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const stopping = [...running].map((step) => new Promise((resolve) => step.once('close', resolve)));
    for (const step of running) process.kill(-step.pid!, 'SIGKILL');
    await Promise.all(stopping);
    if (scratch) rmSync(scratch, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('holds production dependencies only, no tests and no build cache, and runs as a non-root user', () => {
    const app = join(image.root, image.workdir);
    expect(existsSync(join(app, 'node_modules', 'next'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(true);
    // Packages the lock file marks as needed only for development.
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const devOnly = Object.entries(lock.packages).filter(([path, entry]) => entry.dev && path.startsWith('node_modules/')).map(([path]) => path);
    expect(devOnly.length).toBeGreaterThan(100);
    expect(devOnly.filter((path) => existsSync(join(app, path)))).toEqual([]);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
    expect(readdirSync(app).sort()).toEqual(['.next', '.npmrc', 'app', 'lib', 'next.config.ts', 'node_modules', 'package-lock.json', 'package.json', 'public', 'server', 'sim', 'tsconfig.json']);
    expect(existsSync(join(app, '.next', 'cache'))).toBe(false);
    expect(image.user).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(image.exposed).toEqual([3000]);
    expect(image.env.NODE_ENV).toBe('production');
  });

  it('serves the production build as built: /livez, a page, and the icons with long cache headers', async () => {
    expect(output).not.toContain('no up-to-date production build');
    const livez = await fetch(`${url}/livez`);
    expect(livez.status).toBe(200);
    expect(await livez.text()).toBe('ok');
    const signin = await fetch(`${url}/signin`);
    expect(signin.status).toBe(200);
    const html = await signin.text();
    expect(html).toContain('<link rel="manifest" href="/static/site.webmanifest"');
    expect(html).toContain('href="/static/icon.svg"');
    for (const path of ['/favicon.ico', '/static/icon.svg', '/static/icon-192.png', '/static/site.webmanifest']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toMatch(/^public, max-age=2592000\b/);
      await res.arrayBuffer();
    }
    const manifest = (await (await fetch(`${url}/static/site.webmanifest`)).json()) as { icons: { src: string }[] };
    for (const icon of manifest.icons) expect((await fetch(`${url}${icon.src}`)).status, icon.src).toBe(200);
  });

  it('drains and exits 0 on SIGTERM, as the container runtime stops it', async () => {
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('draining: no new connections');
    expect(output).toContain('drained; exiting');
  });
});

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ago, MIN, pod } from '../../sim/scenarios/builders';
import { KUBECTL, startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;

/** Pods created through the API with a ready-made status (started a minute ago, so logs are short). */
async function seed(p: ReturnType<typeof pod>, mutate: (p: any) => void = () => {}): Promise<void> {
  delete (p.metadata as Record<string, unknown>).uid;
  mutate(p);
  const res = await h.api(`/api/v1/namespaces/${p.metadata.namespace}/pods`, { method: 'POST', body: JSON.stringify(p) });
  expect(res.status).toBe(201);
}

const TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z /;

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
  await seed(pod({ name: 'web-1', namespace: 'team-a', node: 'node-1', ip: '10.244.1.7', createdAt: ago(MIN), containers: [{ name: 'web', image: 'nginx:1.27', env: { GREETING: 'ahoy' } }] }));
  await seed(
    pod({
      name: 'api-1',
      namespace: 'team-a',
      node: 'node-1',
      createdAt: ago(MIN),
      containers: [
        { name: 'api', image: 'registry.example.com/api:2.1' },
        { name: 'sidecar', image: 'envoyproxy/envoy:v1.31' },
      ],
    }),
  );
  // Restarted once: the previous run ended with exit code 1 two minutes ago.
  await seed(pod({ name: 'flaky-1', namespace: 'team-a', node: 'node-2', createdAt: ago(MIN), restarts: 1, containers: [{ name: 'app', image: 'registry.example.com/flaky:1.0' }] }), (p) => {
    p.status.containerStatuses[0].lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(3 * MIN), finishedAt: ago(2 * MIN) } };
  });
  await seed(pod({ name: 'done-1', namespace: 'team-a', node: 'node-2', createdAt: ago(MIN), state: 'Completed' }));
});

afterAll(async () => {
  await h?.close();
});

describe('kubectl logs', () => {
  it('prints the container lines, the same lines on a second read', async () => {
    const a = await h.kubectl(['logs', '-n', 'team-a', 'web-1', '--tail=20']);
    expect(a.stderr).toBe('');
    const lines = a.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(20);
    // Deterministic: a later, longer read still holds the earlier lines, in order.
    const b = await h.kubectl(['logs', '-n', 'team-a', 'web-1', '--tail=60']);
    const later = b.stdout.trimEnd().split('\n');
    expect(later.join('\n')).toContain(lines.join('\n'));
  });

  it('--tail and --timestamps put an RFC3339Nano stamp and a space before each line', async () => {
    const r = await h.kubectl(['logs', '-n', 'team-a', 'web-1', '--tail=3', '--timestamps']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(TS);
    const times = lines.map((l) => Date.parse(l.slice(0, l.indexOf(' '))));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('--since returns only recent lines', async () => {
    const r = await h.kubectl(['logs', '-n', 'team-a', 'web-1', '--since=5s', '--timestamps']);
    const start = Date.now() - 6_000;
    const lines = r.stdout.trimEnd().split('\n').filter(Boolean);
    for (const l of lines) expect(Date.parse(l.slice(0, l.indexOf(' ')))).toBeGreaterThanOrEqual(start);
    const all = await h.kubectl(['logs', '-n', 'team-a', 'web-1']);
    expect(all.stdout.split('\n').length).toBeGreaterThan(lines.length);
  });

  it('-f shows lines as they are written, until stopped', async () => {
    const f = h.kubectlSpawn(['logs', '-n', 'team-a', 'web-1', '-f', '--tail=1']);
    await until(() => f.stdout().split('\n').filter(Boolean).length >= 3, { message: 'followed lines', timeoutMs: 20_000 });
    expect(f.child.exitCode).toBeNull();
    await f.stop();
  });

  it('counts the log follows it holds open, per container, and forgets one when its client leaves', async () => {
    const before = h.sim.faults.logFollows().byContainer['team-a/web-1/web'] ?? 0;
    const f = h.kubectlSpawn(['logs', '-n', 'team-a', 'web-1', '-f', '--tail=1']);
    await until(() => f.stdout().length > 0, { message: 'a followed line', timeoutMs: 20_000 });
    expect(h.sim.faults.logFollows().byContainer['team-a/web-1/web']).toBe(before + 1);
    const answer = (await (await h.api('/sim/faults/log-follows')).json()) as { open: number; byContainer: Record<string, number> };
    expect(answer.byContainer['team-a/web-1/web']).toBe(before + 1);
    await f.stop();
    await until(() => (h.sim.faults.logFollows().byContainer['team-a/web-1/web'] ?? 0) === before, { message: 'the follow forgotten' });
  });

  it('-c picks a container; several containers without -c make kubectl default to the first and say so', async () => {
    const side = await h.kubectl(['logs', '-n', 'team-a', 'api-1', '-c', 'sidecar', '--tail=2']);
    expect(side.code).toBe(0);
    expect(side.stdout.trimEnd().split('\n')).toHaveLength(2);
    const dflt = await h.kubectl(['logs', '-n', 'team-a', 'api-1', '--tail=1']);
    expect(dflt.code).toBe(0);
    expect(dflt.stderr).toContain('Defaulted container "api" out of: api, sidecar');
    const bad = await h.kubectl(['logs', '-n', 'team-a', 'api-1', '-c', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('container nope is not valid for pod api-1');
  });

  it('the server refuses a multi-container pod without a container, naming the choices', async () => {
    const res = await h.api('/api/v1/namespaces/team-a/pods/api-1/log');
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe('a container name must be specified for pod api-1, choose one of: [api sidecar]');
  });

  it('--previous shows the run before a restart, ending in its fatal line; none → Kubernetes error', async () => {
    const prev = await h.kubectl(['logs', '-n', 'team-a', 'flaky-1', '--previous', '--timestamps']);
    expect(prev.code).toBe(0);
    const lines = prev.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/FATAL.*exiting with code 1/);
    const last = Date.parse(lines.at(-1)!.slice(0, lines.at(-1)!.indexOf(' ')));
    expect(last).toBeLessThan(Date.now() - MIN);
    const none = await h.kubectl(['logs', '-n', 'team-a', 'web-1', '--previous']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('previous terminated container "web" in pod "web-1" not found');
  });
});

describe('kubectl exec', () => {
  it('exec pod -- echo hi prints hi', async () => {
    const r = await h.kubectl(['exec', '-n', 'team-a', 'web-1', '--', 'echo', 'hi']);
    expect(r).toMatchObject({ code: 0, stdout: 'hi\n' });
  });

  it("exec pod -- sh -c 'exit 3' exits 3", async () => {
    const r = await h.kubectl(['exec', '-n', 'team-a', 'web-1', '--', 'sh', '-c', 'echo $GREETING; exit 3']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('ahoy\n');
    expect(r.stderr).toContain('command terminated with exit code 3');
  });

  it('a command not in the container fails like the container runtime', async () => {
    const r = await h.kubectl(['exec', '-n', 'team-a', 'web-1', '--', 'nosuchthing']);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('exec: "nosuchthing": executable file not found in $PATH');
  });

  it('exec into a missing pod, an unknown container or a completed pod is refused', async () => {
    const missing = await h.kubectl(['exec', '-n', 'team-a', 'ghost', '--', 'echo', 'hi']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('pods "ghost" not found');
    const badContainer = await h.kubectl(['exec', '-n', 'team-a', 'web-1', '-c', 'nope', '--', 'echo', 'hi']);
    expect(badContainer.code).toBe(1);
    expect(badContainer.stderr).toContain('container nope is not valid for pod web-1');
    const done = await h.kubectl(['exec', '-n', 'team-a', 'done-1', '--', 'echo', 'hi']);
    expect(done.code).toBe(1);
    expect(done.stderr).toContain('cannot exec into a container in a completed pod');
  });

  it('an interactive exec -it session through a pseudo-terminal sees its size, echoes, and exits', async () => {
    const kubectl = [KUBECTL, '--kubeconfig', h.kubeconfigPath, '--cache-dir', `${h.dir}/cache-pty`, 'exec', '-it', '-n', 'team-a', 'web-1', '--', 'sh'].join(' ');
    const child = spawn('script', ['-qfc', `stty rows 33 cols 101; ${kubectl}`, '/dev/null'], { env: { ...process.env, HOME: h.dir, TERM: 'xterm' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await until(() => out.includes('/ # '), { message: `a prompt in ${JSON.stringify(out)}`, timeoutMs: 20_000 });
      child.stdin.write('stty size\r');
      await until(() => out.includes('33 101'), { message: `stty size in ${JSON.stringify(out)}` });
      child.stdin.write('echo hello\r');
      await until(() => /\r\nhello\r\n/.test(out), { message: `hello in ${JSON.stringify(out)}` });
      child.stdin.write('exit\r');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

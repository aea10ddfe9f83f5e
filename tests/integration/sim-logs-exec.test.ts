import { PassThrough, Writable } from 'node:stream';
import { Exec, KubeConfig, Log, type V1Status } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ago, MIN, pod } from '../../sim/scenarios/builders';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;
let kc: KubeConfig;

async function seed(p: ReturnType<typeof pod>): Promise<any> {
  delete (p.metadata as Record<string, unknown>).uid;
  const res = await h.api(`/api/v1/namespaces/${p.metadata.namespace}/pods`, { method: 'POST', body: JSON.stringify(p) });
  expect(res.status).toBe(201);
  return res.json();
}

function sink(): Writable & { text(): string } {
  let text = '';
  const w = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  }) as Writable & { text(): string };
  w.text = () => text;
  return w;
}

/** A raw exec WebSocket as admin, frames collected by channel. */
function rawExec(path: string): { ws: WebSocket; out: Record<number, string>; closed: Promise<number> } {
  const token = h.sim.users.find((u) => u.name === 'admin')!.token;
  const ws = new WebSocket(`${h.sim.httpUrl.replace(/^http/, 'ws')}${path}`, ['v5.channel.k8s.io'], { headers: { Authorization: `Bearer ${token}` } });
  const out: Record<number, string> = {};
  ws.on('message', (data: Buffer) => {
    out[data[0]] = (out[data[0]] ?? '') + data.subarray(1).toString();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return { ws, out, closed };
}

const frame = (channel: number, data: string | Buffer) => Buffer.concat([Buffer.from([channel]), Buffer.isBuffer(data) ? data : Buffer.from(data)]);

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
  kc = new KubeConfig();
  kc.loadFromFile(h.kubeconfigPath);
  await seed(pod({ name: 'web-1', namespace: 'team-a', node: 'node-1', createdAt: ago(MIN), containers: [{ name: 'web', image: 'nginx:1.27' }] }));
  await seed(pod({ name: 'two-1', namespace: 'team-a', node: 'node-1', createdAt: ago(MIN), containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] }));
});

afterAll(async () => {
  await h?.close();
});

describe('client-node Exec against the simulator', () => {
  it('delivers stdout, stderr and a Success status', async () => {
    const stdout = sink();
    const stderr = sink();
    let status: V1Status | undefined;
    await new Exec(kc).exec('team-a', 'web-1', 'web', ['sh', '-c', 'echo out; nope; true'], stdout, stderr, null, false, (s) => (status = s));
    await until(() => status, { message: 'status' });
    expect(status).toMatchObject({ status: 'Success' });
    expect(stdout.text()).toBe('out\n');
    expect(stderr.text()).toBe('sh: nope: not found\n');
  });

  it('reports a non-zero exit code in the status causes', async () => {
    let status: V1Status | undefined;
    await new Exec(kc).exec('team-a', 'web-1', 'web', ['sh', '-c', 'exit 42'], sink(), null, null, false, (s) => (status = s));
    await until(() => status, { message: 'status' });
    expect(status).toMatchObject({ status: 'Failure', reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: '42' }] } });
  });

  it('reads stdin until it ends', async () => {
    const stdin = new PassThrough();
    const stdout = sink();
    let status: V1Status | undefined;
    await new Exec(kc).exec('team-a', 'web-1', 'web', 'sh', stdout, null, stdin, false, (s) => (status = s));
    stdin.write('echo one\n');
    stdin.write('cd /etc && cat hostname\n');
    await until(() => stdout.text() === 'one\nweb-1\n', { message: `stdout ${JSON.stringify(stdout.text())}` });
    stdin.end();
    await until(() => status, { message: 'status after stdin ended' });
    expect(status).toMatchObject({ status: 'Success' });
  });

  it('refuses a missing pod and an unknown container with a Status before the upgrade', async () => {
    await expect(new Exec(kc).exec('team-a', 'ghost', 'web', 'sh', null, null, null, false)).rejects.toBeTruthy();
    const missing = await h.api('/api/v1/namespaces/team-a/pods/ghost/exec?command=sh&stdout=true', { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'pods "ghost" not found' });
    const badContainer = await h.api('/api/v1/namespaces/team-a/pods/web-1/exec?command=sh&stdout=true&container=nope', { method: 'POST' });
    expect(badContainer.status).toBe(400);
    expect((await badContainer.json()).message).toBe('container nope is not valid for pod web-1');
  });

  it('answers an upgrade for a missing pod with a 404 Status, not a hang', async () => {
    const { ws } = rawExec('/api/v1/namespaces/team-a/pods/ghost/exec?command=sh&stdout=true');
    const code = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(code).toBe(404);
  });

  it('needs get (or create) on pods/exec: carol is refused with 403', async () => {
    const res = await h.api('/api/v1/namespaces/team-a/pods/web-1/exec?command=sh&stdout=true', { method: 'POST', user: 'carol' });
    expect(res.status).toBe(403);
  });

  it('ignores a resize frame that is not JSON, takes kubectl-style and client-node-style sizes, and survives garbage stdin', async () => {
    const { ws, out, closed } = rawExec('/api/v1/namespaces/team-a/pods/web-1/exec?command=sh&stdin=true&stdout=true&tty=true');
    await new Promise((resolve) => ws.on('open', resolve));
    expect(ws.protocol).toBe('v5.channel.k8s.io');
    ws.send(frame(4, 'not json {'));
    ws.send(frame(4, '{"Width":120,"Height":40}'));
    await until(() => out[1]?.includes('/ # '), { message: 'prompt' });
    ws.send(frame(0, 'stty size\r'));
    await until(() => out[1]?.includes('40 120\r\n'), { message: `size in ${JSON.stringify(out[1])}` });
    ws.send(frame(4, '{"width":90,"height":30}'));
    ws.send(frame(0, Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x41, 0x80, 0xc3, 0x28, 0x07])));
    ws.send(frame(0, '\x15stty size\r'));
    await until(() => out[1]?.includes('30 90\r\n'), { message: `new size in ${JSON.stringify(out[1])}` });
    ws.send(frame(0, 'exit 5\r'));
    expect(await closed).toBe(1000);
    expect(JSON.parse(out[3])).toMatchObject({ status: 'Failure', details: { causes: [{ message: '5' }] } });
  });

  it('Ctrl-C interrupts sleep and gives a new prompt; backspace edits the line; Ctrl-D exits', async () => {
    const { ws, out, closed } = rawExec('/api/v1/namespaces/team-a/pods/web-1/exec?command=sh&stdin=true&stdout=true&tty=true');
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send(frame(4, '{"Width":80,"Height":24}'));
    await until(() => out[1]?.includes('/ # '), { message: 'prompt' });
    ws.send(frame(0, 'sleep 600\r'));
    await until(() => out[1]?.includes('sleep 600\r\n'), { message: 'echoed command' });
    ws.send(frame(0, '\x03'));
    await until(() => out[1]?.includes('^C\r\n/ # '), { message: `interrupt in ${JSON.stringify(out[1])}` });
    ws.send(frame(0, 'echo $?\r'));
    await until(() => out[1]?.includes('130\r\n'), { message: 'status of the interrupted sleep' });
    ws.send(frame(0, 'echo abx\x7fc\r'));
    await until(() => out[1]?.includes('\r\nabc\r\n'), { message: `edited line in ${JSON.stringify(out[1])}` });
    ws.send(frame(0, '\x04'));
    expect(await closed).toBe(1000);
    expect(JSON.parse(out[3])).toEqual({ metadata: {}, status: 'Success' });
  });
});

describe('client-node Log against the simulator', () => {
  it('follows a container and stops on abort', async () => {
    const out = sink();
    const ac = await new Log(kc).log('team-a', 'web-1', 'web', out, { follow: true, tailLines: 1 });
    await until(() => out.text().split('\n').filter(Boolean).length >= 3, { message: 'followed lines', timeoutMs: 15_000 });
    ac.abort();
  });

  it('ends a follow when the container stops, with its last line', async () => {
    const created = await seed(pod({ name: 'stopper-1', namespace: 'team-a', node: 'node-1', createdAt: ago(MIN), containers: [{ name: 'app', image: 'registry.example.com/app:1' }] }));
    const res = await h.api('/api/v1/namespaces/team-a/pods/stopper-1/log?follow=true&tailLines=0');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    const body = res.text();
    const next = structuredClone(created);
    const startedAt = next.status.containerStatuses[0].state.running.startedAt;
    next.status.containerStatuses[0].state = { terminated: { exitCode: 2, reason: 'Error', startedAt, finishedAt: new Date().toISOString() } };
    const put = await h.api('/api/v1/namespaces/team-a/pods/stopper-1/status', { method: 'PUT', body: JSON.stringify(next) });
    expect(put.status).toBe(200);
    expect((await body).trimEnd().split('\n').at(-1)).toMatch(/FATAL.*exiting with code 2/);
  });

  it('ends a follow when the pod is deleted', async () => {
    await seed(pod({ name: 'gone-1', namespace: 'team-a', node: 'node-1', createdAt: ago(MIN) }));
    const res = await h.api('/api/v1/namespaces/team-a/pods/gone-1/log?follow=true&tailLines=1');
    const body = res.text();
    await h.api('/api/v1/namespaces/team-a/pods/gone-1?gracePeriodSeconds=0', { method: 'DELETE' });
    expect((await body).length).toBeGreaterThan(0);
  });

  it('answers bad log requests as Kubernetes does', async () => {
    const several = await h.api('/api/v1/namespaces/team-a/pods/two-1/log');
    expect(several.status).toBe(400);
    expect((await several.json()).message).toBe('a container name must be specified for pod two-1, choose one of: [a b]');
    const unknown = await h.api('/api/v1/namespaces/team-a/pods/two-1/log?container=c');
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).message).toBe('container c is not valid for pod two-1');
    const missing = await h.api('/api/v1/namespaces/team-a/pods/ghost/log');
    expect(missing.status).toBe(404);
    expect((await missing.json()).message).toBe('pods "ghost" not found');
    const forbidden = await h.api('/api/v1/namespaces/team-a/pods/web-1/log', { user: 'carol' });
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).message).toContain('cannot get resource "pods/log"');
  });

  it('honours limitBytes, and a default-container annotation', async () => {
    const limited = await h.api('/api/v1/namespaces/team-a/pods/web-1/log?limitBytes=10');
    expect(Buffer.byteLength(await limited.text())).toBe(10);
    const p = pod({ name: 'annotated-1', namespace: 'team-a', node: 'node-1', createdAt: ago(MIN), containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] });
    p.metadata.annotations = { 'kubectl.kubernetes.io/default-container': 'b' };
    await seed(p);
    const dflt = await h.api('/api/v1/namespaces/team-a/pods/annotated-1/log');
    expect(dflt.status).toBe(200);
    // Every run's first line names its container.
    expect((await dflt.text()).split('\n')[0]).toMatch(/starting b \(busybox\)/);
  });
});

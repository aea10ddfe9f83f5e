import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ago, MIN, pod } from '../../sim/scenarios/builders';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;

/** A free local port for kubectl to listen on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function seed(name: string, ports: Record<string, number[]>): Promise<void> {
  const p = pod({ name, namespace: 'team-a', node: 'node-1', createdAt: ago(MIN), containers: Object.keys(ports).map((c) => ({ name: c, image: `registry.example.com/${c}:1` })) });
  delete (p.metadata as Record<string, unknown>).uid;
  (p.spec as any).containers.forEach((c: any) => (c.ports = ports[c.name].map((containerPort) => ({ containerPort, protocol: 'TCP' }))));
  const res = await h.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(p) });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
  await seed('web-1', { web: [80], metrics: [9090] });
  await seed('web-2', { web: [80] });
});

afterAll(async () => {
  await h?.close();
});

describe('kubectl port-forward', () => {
  it('forwards a local port to the pod; HTTP requests through it reach that pod, container and port', async () => {
    const local = await freePort();
    const pf = h.kubectlSpawn(['port-forward', '-n', 'team-a', 'pod/web-1', `${local}:80`]);
    try {
      await until(() => pf.stdout().includes(`Forwarding from 127.0.0.1:${local} -> 80`), { message: `ready in ${pf.stdout()}${pf.stderr()}` });
      for (const path of ['/', '/healthz', '/a?b=c']) {
        const res = await fetch(`http://127.0.0.1:${local}${path}`);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe(`pod team-a/web-1, container web, port 80: GET ${path}\n`);
      }
      // A new connection each time (no keep-alive) works as well as the pooled ones above.
      const res = await fetch(`http://127.0.0.1:${local}/closing`, { headers: { Connection: 'close' } });
      expect(await res.text()).toBe('pod team-a/web-1, container web, port 80: GET /closing\n');
      expect(pf.child.exitCode).toBeNull();
    } finally {
      await pf.stop();
    }
  });

  it('forwards two ports at once, each to its own container', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const pf = h.kubectlSpawn(['port-forward', '-n', 'team-a', 'web-1', `${a}:80`, `${b}:9090`]);
    try {
      await until(() => pf.stdout().includes(`-> 9090`) && pf.stdout().includes('-> 80'), { message: 'both ports ready' });
      const [one, two] = await Promise.all([fetch(`http://127.0.0.1:${a}/x`).then((r) => r.text()), fetch(`http://127.0.0.1:${b}/metrics`).then((r) => r.text())]);
      expect(one).toBe('pod team-a/web-1, container web, port 80: GET /x\n');
      expect(two).toBe('pod team-a/web-1, container metrics, port 9090: GET /metrics\n');
    } finally {
      await pf.stop();
    }
  });

  it('a port nothing listens on is refused for that connection, as the kubelet does', async () => {
    const local = await freePort();
    const pf = h.kubectlSpawn(['port-forward', '-n', 'team-a', 'web-1', `${local}:81`]);
    try {
      await until(() => pf.stdout().includes('-> 81'), { message: 'ready' });
      await expect(fetch(`http://127.0.0.1:${local}/`)).rejects.toThrow();
      await until(() => pf.stderr().includes('connection refused'), { message: `the refusal in ${pf.stderr()}` });
    } finally {
      await pf.stop();
    }
  });

  it('ends when the pod is deleted, saying the connection to the pod was lost', async () => {
    const local = await freePort();
    const pf = h.kubectlSpawn(['port-forward', '-n', 'team-a', 'web-2', `${local}:80`]);
    const exited = new Promise<number | null>((resolve) => pf.child.on('close', (code) => resolve(code)));
    try {
      await until(() => pf.stdout().includes('-> 80'), { message: 'ready' });
      expect(await (await fetch(`http://127.0.0.1:${local}/`)).text()).toContain('pod team-a/web-2');
      const del = await h.kubectl(['delete', 'pod', '-n', 'team-a', 'web-2', '--wait=false']);
      expect(del.code).toBe(0);
      expect(await exited).toBe(1);
      expect(pf.stderr()).toContain('lost connection to pod');
    } finally {
      await pf.stop();
    }
  });

  it('a missing pod is refused before any forwarding starts', async () => {
    const r = await h.kubectl(['port-forward', '-n', 'team-a', 'pod/ghost', '18081:80']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('pods "ghost" not found');
  });
});

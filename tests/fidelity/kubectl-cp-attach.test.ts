import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ago, MIN, node, pod } from '../../sim/scenarios/builders';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;

beforeAll(async () => {
  h = await startSim({ scenario: 'empty', clockSpeed: 20 });
  h.sim.store.create('/nodes', node('node-1', 1));
  const p = pod({ name: 'box-1', namespace: 'team-a', node: 'node-1', createdAt: ago(MIN), containers: [{ name: 'box', image: 'busybox:1.36' }] });
  delete (p.metadata as Record<string, unknown>).uid;
  const res = await h.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(p) });
  expect(res.status).toBe(201);
});

afterAll(async () => {
  await h?.close();
});

const exec = (script: string, stdin?: string) => h.kubectl(['exec', ...(stdin === undefined ? [] : ['-i']), '-n', 'team-a', 'box-1', '--', 'sh', '-c', script], { stdin });

describe('the shell behind kubectl exec', () => {
  it('pipes one command into the next, and cat passes stdin through', async () => {
    const r = await exec('echo one two three | cat | wc -w');
    expect(r).toMatchObject({ code: 0, stdout: '3\n' });
    const piped = await exec('cat | tail -n 1', 'first\nsecond\n');
    expect(piped).toMatchObject({ code: 0, stdout: 'second\n' });
  });

  it('redirects to and from files, appends, and moves output between stdout and stderr', async () => {
    const r = await exec('echo a > /tmp/f; echo b >> /tmp/f; cat < /tmp/f; echo oops >&2; ls /nope 2>/dev/null || echo gone; ls /nope 2>&1 | wc -l');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('a\nb\ngone\n1\n');
    expect(r.stderr).toBe('oops\n');
    // The file is still there for the next exec: the container keeps its filesystem.
    expect((await exec('cat /tmp/f')).stdout).toBe('a\nb\n');
  });

  it('read takes a line of stdin into variables; && and || follow the status', async () => {
    const r = await exec('read first rest; echo "[$first] [$rest]"; test -d /tmp && echo dir; test -f /tmp || echo not-a-file', 'hello big world\nnext\n');
    expect(r).toMatchObject({ code: 0, stdout: '[hello] [big world]\ndir\nnot-a-file\n' });
  });

  it('a syntax error is reported by the shell with status 2', async () => {
    const r = await exec('echo a |');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sh: syntax error: unexpected');
  });
});

describe('kubectl cp', () => {
  it('copies a binary file into the pod and back, byte for byte', async () => {
    const bytes = randomBytes(300_000);
    const local = join(h.dir, 'blob.bin');
    await writeFile(local, bytes);
    const up = await h.kubectl(['cp', local, 'team-a/box-1:/tmp/blob.bin']);
    expect(up).toMatchObject({ code: 0, stderr: '' });
    const sum = await exec('md5sum /tmp/blob.bin');
    const { createHash } = await import('node:crypto');
    expect(sum.stdout).toBe(`${createHash('md5').update(bytes).digest('hex')}  /tmp/blob.bin\n`);
    const back = join(h.dir, 'blob-back.bin');
    const down = await h.kubectl(['cp', 'team-a/box-1:/tmp/blob.bin', back]);
    expect(down.code).toBe(0);
    expect(Buffer.compare(await readFile(back), bytes)).toBe(0);
  });

  it('copies a directory into an existing directory in the pod, and a directory back out', async () => {
    const src = join(h.dir, 'site');
    await mkdir(join(src, 'css'), { recursive: true });
    await writeFile(join(src, 'index.html'), '<h1>hi</h1>\n');
    await writeFile(join(src, 'css', 'main.css'), 'body { margin: 0 }\n');
    const zeros = Buffer.alloc(1024);
    zeros[512] = 0xff;
    await writeFile(join(src, 'css', 'pixel.bin'), zeros);
    expect((await exec('mkdir -p /srv')).code).toBe(0);
    const up = await h.kubectl(['cp', src, 'team-a/box-1:/srv']);
    expect(up).toMatchObject({ code: 0, stderr: '' });
    // /srv existed, so the copy landed in /srv/site, as with a real container.
    const listing = await exec('cd /srv/site && ls . css && cat index.html');
    expect(listing.stdout).toBe('.:\ncss\nindex.html\n\ncss:\nmain.css\npixel.bin\n<h1>hi</h1>\n');
    const back = join(h.dir, 'site-back');
    const down = await h.kubectl(['cp', 'team-a/box-1:/srv/site', back]);
    expect(down.code).toBe(0);
    expect(await readFile(join(back, 'index.html'), 'utf8')).toBe('<h1>hi</h1>\n');
    expect(await readFile(join(back, 'css', 'main.css'), 'utf8')).toBe('body { margin: 0 }\n');
    expect(Buffer.compare(await readFile(join(back, 'css', 'pixel.bin')), zeros)).toBe(0);
  });

  it('a missing file in the pod is an error from tar, which kubectl prints', async () => {
    // kubectl passes the remote tar's stderr on and, having read an empty archive, may still exit 0, as against a real cluster.
    const r = await h.kubectl(['cp', 'team-a/box-1:/tmp/absent', join(h.dir, 'absent')]);
    expect(r.stdout + r.stderr).toContain('No such file or directory');
  });
});

describe('kubectl run -i and kubectl attach', () => {
  it('run -i --rm --restart=Never feeds stdin to the container shell, returns its output and exit code, then deletes the pod', async () => {
    const r = await h.kubectl(['run', 'once', '-n', 'team-a', '-i', '--rm', '--restart=Never', '--image=busybox:1.36', '--', 'sh'], {
      stdin: 'echo hello from $HOSTNAME\nread name; echo "name=$name"\nbob\nexit 3\n',
      timeoutMs: 60_000,
    });
    expect(r.stdout).toContain('hello from once\nname=bob\n');
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toContain('pod "once" deleted');
    const gone = await h.api('/api/v1/namespaces/team-a/pods/once');
    expect(gone.status).toBe(404);
  });

  it('attach -i reaches the main process of a pod started with stdin; its output comes back', async () => {
    const made = await h.kubectl(['run', 'cat-1', '-n', 'team-a', '--image=busybox:1.36', '--stdin', '--attach=false', '--restart=Never', '--', 'sh', '-c', 'cat | wc -c']);
    expect(made.code).toBe(0);
    await until(async () => (await (await h.api('/api/v1/namespaces/team-a/pods/cat-1')).json()).status?.phase === 'Running', { message: 'cat-1 running', timeoutMs: 30_000 });
    const r = await h.kubectl(['attach', '-i', '-n', 'team-a', 'cat-1'], { stdin: 'twelve bytes' });
    expect(r.stdout).toContain('12\n');
    // stdinOnce: the first attach closing stdin ended the process, and with it the container.
    await until(async () => (await (await h.api('/api/v1/namespaces/team-a/pods/cat-1')).json()).status?.phase === 'Succeeded', { message: 'cat-1 completed' });
  });
});

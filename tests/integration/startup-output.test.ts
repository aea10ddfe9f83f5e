import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_KINDS } from '../../lib/kinds';
import { startPortal, type Portal } from '../support/portal';
import { signInAs } from '../support/session';
import { KUBECTL } from '../support/sim';
import { SseClient } from '../support/sse';
import { until } from '../support/until';

const run = promisify(execFile);

describe('start-up in demo mode with the development sign-in', () => {
  let portal: Portal;

  beforeAll(async () => {
    // As a person would start it: no HOST, the demo cluster, the development sign-in.
    portal = await startPortal({ HOST: undefined, CROWSNEST_DEMO: '1', KUBECONFIG: undefined, CROWSNEST_LOG_LEVEL: 'info', CROWSNEST_RATE_LIMIT_PER_SECOND: '0', NODE_OPTIONS: '--trace-warnings' });
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
  });

  it('listens on loopback only, and says so', () => {
    const serving = portal.logs.find((l) => l.banner === true)!;
    expect(serving.msg).toMatch(/^Crowsnest is serving http:\/\/localhost:\d+ with cluster\(s\): demo \(sign-in: development users\)$/);
    expect(serving.host).toBe('127.0.0.1');
    expect(portal.logs.some((l) => /development sign-in: listening on 127\.0\.0\.1 only/.test(String(l.msg)))).toBe(true);
  });

  it('prints the demo cluster’s kubeconfig, whose alice, bob and carol contexts work with kubectl', async () => {
    const hint = portal.logs.map((l) => String(l.msg)).find((m) => m.startsWith('kubectl beside the portal'));
    const path = /KUBECONFIG=(\S+)/.exec(hint ?? '')?.[1];
    expect(path && existsSync(path)).toBe(true);
    expect(hint).toMatch(/alice\|bob\|carol/);
    const { stdout } = await run(KUBECTL, ['--kubeconfig', path!, 'config', 'get-contexts', '-o', 'name']);
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(expect.arrayContaining(['alice', 'bob', 'carol']));
    const bob = await run(KUBECTL, ['--kubeconfig', path!, '--context', 'bob', 'get', 'pods', '-n', 'team-a', '-o', 'name']);
    expect(bob.stdout).toMatch(/^pod\//m);
    const refused = await run(KUBECTL, ['--kubeconfig', path!, '--context', 'carol', 'get', 'pods', '-n', 'team-a']).catch((err: { stderr: string }) => err);
    expect((refused as { stderr: string }).stderr).toMatch(/forbidden/);
  });

  it('opens a watch on every kind without a MaxListenersExceededWarning', async () => {
    const jar = await signInAs(portal.url, 'alice');
    const kinds = BUILTIN_KINDS.map((k) => k.token);
    const stream = await SseClient.open(`${portal.url}/api/clusters/demo/watch?kinds=${kinds.join(',')}`, { Cookie: jar.header() });
    try {
      expect(stream.status).toBe(200);
      await until(() => kinds.every((kind) => stream.events.some((e) => e.event === 'snapshot' && e.data.kind === kind)), { message: 'a snapshot of every kind', timeoutMs: 60_000 });
      // Every kind was sent its cluster connection state after its snapshot.
      expect(kinds.every((kind) => stream.events.some((e) => e.event === 'status' && e.data.kind === kind && e.data.state === 'synced'))).toBe(true);
    } finally {
      await stream.close();
    }
    expect(portal.output()).not.toMatch(/MaxListenersExceededWarning/);
  });
});

describe('start-up output in a terminal', () => {
  it('is readable lines, not JSON, with the serving line plain', async () => {
    const env = Object.fromEntries(Object.entries({ ...process.env, PORT: '0', CROWSNEST_DEMO: '1', KUBECONFIG: undefined, HOST: undefined, NODE_ENV: undefined }).filter((e) => e[1] !== undefined)) as NodeJS.ProcessEnv;
    // `script` gives the server a terminal as its stdout, as a person's shell would.
    const child = spawn('script', ['-qfec', `${process.execPath} --import tsx server/main.ts`, '/dev/null'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await until(() => /Crowsnest is serving/.test(output), { message: 'the server to start', timeoutMs: 120_000 });
      const lines = output.split(/\r?\n/);
      expect(lines.some((l) => l.trimStart().startsWith('{"level"'))).toBe(false);
      // The serving line is just its message: no time, no level, no fields.
      expect(lines).toContainEqual(expect.stringMatching(/^Crowsnest is serving http:\/\/localhost:\d+ with cluster\(s\): demo \(sign-in: development users\)$/));
      // Other lines: time of day, level, message.
      expect(lines.some((l) => /\d\d:\d\d:\d\d.*INFO.*development sign-in: listening on 127\.0\.0\.1 only/.test(l))).toBe(true);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }, 150_000);
});

import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExitEvent } from '../../lib/sockets/protocol';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

describe('idle shells', () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;
  let socket: Socket | undefined;

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    expect((await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', 'web-1')) })).status).toBe(201);
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_SHELL_IDLE_SECONDS: '2', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' });
    alice = await signInAs(portal.url, 'alice');
  });
  afterAll(async () => {
    socket?.close();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  it('closes a shell nobody types into, with a notice, while an active one stays open', async () => {
    socket = io(`${portal.url}/shell`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: alice.header(), Origin: portal.url }, reconnection: false, forceNew: true });
    let output = '';
    const notices: string[] = [];
    let exit: ExitEvent | undefined;
    socket.on('output', (data: ArrayBuffer) => (output += Buffer.from(data).toString('utf8')));
    socket.on('notice', (e: { message: string }) => notices.push(e.message));
    socket.on('exit', (e: ExitEvent) => (exit = e));
    await until(() => socket!.connected, { message: 'the socket' });
    socket.emit('open', { cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', cols: 80, rows: 24 });
    await until(() => /[#$] $/.test(output), { message: 'a prompt' });

    // Typing keeps it open past the idle time…
    const typedUntil = Date.now() + 3000;
    for (let i = 0; Date.now() < typedUntil; i++) {
      socket.emit('input', `echo keep-${i}\r`);
      await until(() => output.includes(`keep-${i}\r\n`), { message: `echo ${i}` });
    }
    expect(exit).toBeUndefined();
    // …and silence closes it.
    await until(() => exit, { message: 'the idle shell to close', timeoutMs: 10_000 });
    expect(exit).toMatchObject({ code: null, message: 'closed: idle' });
    expect(notices.some((n) => /without activity/.test(n))).toBe(true);
  });
});

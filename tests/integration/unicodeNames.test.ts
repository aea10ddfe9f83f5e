import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorEvent } from '../../lib/sockets/protocol';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { mintSessionCookie, signInAs } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

const SECRET = 'a-test-secret-that-is-long-enough-for-production-use';
const POD = '/api/clusters/sim/pods/team-a/web-1';
const SCALE = '/api/clusters/sim/deployments/team-a/web/scale';

/** A session cookie for any name and groups, as next-auth would mint it after an SSO sign-in. */
async function sessionFor(name: string, groups: string[]): Promise<string> {
  return mintSessionCookie(SECRET, { name, sid: `sid-${name}-${groups.join('+')}`, groups });
}

describe('people whose names a header cannot carry', () => {
  let harness: SimHarness;
  let portal: Portal;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    const post = (path: string, body: unknown) => harness.api(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    expect((await post('/api/v1/namespaces/team-a/pods', aPod('team-a', 'web-1'))).status).toBe(201);
    const deployment = await post('/apis/apps/v1/namespaces/team-a/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'team-a' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    });
    expect(deployment.status).toBe(201);
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', NEXTAUTH_SECRET: SECRET, CROWSNEST_RATE_LIMIT_PER_SECOND: '0' });
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await portal?.stop('SIGKILL');
    await harness?.close();
  });

  const connect = async (namespace: '/shell' | '/logs', cookie: string): Promise<{ socket: Socket; errors: ErrorEvent[] }> => {
    const socket = io(`${portal.url}${namespace}`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: cookie, Origin: portal.url }, reconnection: false, forceNew: true });
    sockets.push(socket);
    const errors: ErrorEvent[] = [];
    socket.on('error', (e: ErrorEvent) => errors.push(e));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, errors };
  };

  const cases = [
    { who: 'a user named "Zoë 山田"', name: 'Zoë 山田', groups: ['platform-admins'], problem: /"Zoë 山田".*user name has characters outside printable ASCII/ },
    { who: 'a user with the group "開発"', name: 'dana', groups: ['platform-admins', '開発'], problem: /"dana".*group "開発" has characters outside printable ASCII/ },
  ];

  for (const { who, name, groups, problem } of cases) {
    it(`answers ${who} with a clear 403 on a detail read, an action, a shell and a log stream, and keeps serving`, async () => {
      const cookie = await sessionFor(name, groups);
      const me = await fetch(`${portal.url}/api/me`, { headers: { Cookie: cookie } });
      expect(await me.json()).toEqual({ name, groups });

      const detail = await fetch(`${portal.url}${POD}`, { headers: { Cookie: cookie } });
      expect(detail.status).toBe(403);
      expect(((await detail.json()) as { error: { message: string } }).error.message).toMatch(problem);

      const scale = await fetch(`${portal.url}${SCALE}`, {
        method: 'POST',
        headers: { Cookie: cookie, Origin: portal.url, 'X-Crowsnest-CSRF': '1', 'Content-Type': 'application/json' },
        body: JSON.stringify({ replicas: 4 }),
      });
      expect(scale.status).toBe(403);
      expect(((await scale.json()) as { error: { message: string } }).error.message).toMatch(problem);

      const shell = await connect('/shell', cookie);
      shell.socket.emit('open', { cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', command: 'echo hi' });
      const shellError = await until(() => shell.errors.find((e) => e.event === 'open'), { message: 'the shell refusal' });
      expect(shellError.code).toBe(403);
      expect(shellError.message).toMatch(problem);

      const logs = await connect('/logs', cookie);
      logs.socket.emit('subscribe', { id: 'l', cluster: 'sim', namespace: 'team-a', pod: 'web-1', container: 'main', tailLines: 5 });
      const logError = await until(() => logs.errors.find((e) => e.id === 'l'), { message: 'the log refusal' });
      expect(logError.code).toBe(403);
      expect(logError.message).toMatch(problem);

      // The process keeps serving everyone else.
      const alice = await signInAs(portal.url, 'alice');
      expect((await fetch(`${portal.url}${POD}`, { headers: { Cookie: alice.header() } })).status).toBe(200);
      const replicas = await harness.api('/apis/apps/v1/namespaces/team-a/deployments/web');
      expect(((await replicas.json()) as { spec: { replicas: number } }).spec.replicas).toBe(1);
    });
  }
});

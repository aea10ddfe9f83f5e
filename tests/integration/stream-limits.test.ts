import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { neverReadingWatch, serverEnd } from '../support/rawWatch';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { SseClient } from '../support/sse';
import { until } from '../support/until';

const LABELS = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`label-${i}`, 'x'.repeat(60)]));

/**
 * A portal of its own for a describe block, on an empty simulator without controllers, with `env` over the
 * settings every block here shares, and `user` signed in: `ready` hands them to the block once started.
 */
function ownPortal(user: string, env: Record<string, string | undefined>, ready: (parts: { harness: SimHarness; portal: Portal; jar: CookieJar }) => void): void {
  let harness: SimHarness | undefined;
  let portal: Portal | undefined;
  beforeAll(async () => {
    harness = await startSim({ scenario: 'empty', controllers: false });
    const { path } = await portalKubeconfig(harness);
    portal = await startPortal({ KUBECONFIG: path, CROWSNEST_DEMO: '0', CROWSNEST_ADMIN_GROUPS: 'platform-admins', CROWSNEST_RATE_LIMIT_PER_SECOND: '0', ...env });
    ready({ harness, portal, jar: await signInAs(portal.url, user) });
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await harness?.close();
  });
}

/**
 * Streams whose clients never read, under churn: the replica must cut them
 * (connection and queue), count its per-person cap in connections, keep all
 * stream buffers within one budget, and leak nothing when a client leaves
 * before the answer starts.
 */
describe.each([
  {
    name: 'one stream too far behind',
    env: { CROWSNEST_STREAM_BUFFER_BYTES: '65536', CROWSNEST_WATCH_PER_USER_LIMIT: '4' },
    counter: 'droppedSlow',
  },
  {
    name: "the replica's stream buffers over their budget",
    env: { CROWSNEST_STREAM_BUFFER_BYTES: String(64 * 1024 * 1024), CROWSNEST_STREAM_BUFFER_TOTAL_BYTES: String(512 * 1024), CROWSNEST_WATCH_PER_USER_LIMIT: '4' },
    counter: 'droppedOverBudget',
  },
])('never-reading clients: $name', ({ env, counter }) => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;
  let created = 0;
  const raw: Socket[] = [];
  const open: SseClient[] = [];

  const debug = async () => (await (await fetch(`${portal.url}/debug/streams`, { headers: { Cookie: alice.header() } })).json()) as any;
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${portal.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.split(' ').at(-1)) : NaN;
  };
  /** Creates big pods in batches until `enough()` holds, waiting each time for the informer to catch up. */
  const flood = async (enough: () => Promise<boolean>) => {
    while (created < 6000 && !(await enough())) {
      for (const end = created + 300; created < end; created++) {
        const name = `flood-${created}`;
        harness.sim.store.create('/pods', { ...aPod('team-a', name, LABELS), metadata: { name, namespace: 'team-a', labels: LABELS } });
      }
      await until(async () => ((await debug()).informers[0].informers.find((x: any) => x.kind === 'pods')?.status?.rows ?? 0) >= created, { message: 'the informer to catch up' });
    }
  };

  ownPortal('alice', env, (p) => ({ harness, portal, jar: alice } = p));
  afterEach(async () => {
    for (const socket of raw.splice(0)) socket.destroy();
    await Promise.all(open.splice(0).map((c) => c.close()));
  });

  it('cuts the connections of clients that never read, frees their buffers, and counts the cap in connections', async () => {
    const portalPort = Number(new URL(portal.url).port);
    const before = (await debug()).counters[counter] as number;
    for (let i = 0; i < 4; i++) raw.push(await neverReadingWatch(portal.url, '/api/clusters/sim/pods/watch', alice.header()));
    await until(async () => (await debug()).streams.filter((s: any) => s.actor === 'alice').length === 4, { message: 'four streams open' });

    // The cap counts open connections: a fifth is refused while the four stay connected.
    const fifth = await fetch(`${portal.url}/api/clusters/sim/pods/watch`, { headers: { Cookie: alice.header() } });
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get('retry-after')).toBeTruthy();
    expect(((await fifth.json()) as any).error.message).toMatch(/4 live streams open/);

    await flood(async () => (await debug()).counters[counter] >= before + 4);
    await until(async () => (await debug()).counters[counter] >= before + 4, { message: 'all four to be dropped', timeoutMs: 60_000 });

    // Dropped means gone: the server's end of each connection is no longer established, and nothing stays queued for it.
    for (const socket of raw) {
      await until(() => serverEnd(portalPort, socket.localPort!)?.state !== 'ESTABLISHED', { message: `the server to cut the connection from port ${socket.localPort}` });
    }
    await until(async () => (await metric('crowsnest_stream_buffered_bytes')) === 0, { message: 'no bytes queued for streams any more' });
    expect((await debug()).streams.filter((s: any) => s.actor === 'alice')).toEqual([]);

    // And the slots are free again.
    const again = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch?namespaces=team-b`, { Cookie: alice.header() });
    open.push(again);
    expect(again.status).toBe(200);
    await again.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
  });

  it('keeps a client that keeps up while the laggards are cut', async () => {
    // The flood goes to team-a; this reader watches team-b, so it is never behind however busy this test process is.
    const reader = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch?namespaces=team-b`, { Cookie: alice.header() });
    open.push(reader);
    await reader.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const before = (await debug()).counters[counter] as number;
    raw.push(await neverReadingWatch(portal.url, '/api/clusters/sim/pods/watch', alice.header()));
    await flood(async () => (await debug()).counters[counter] > before);
    harness.sim.store.create('/pods', aPod('team-b', `after-${created}`));
    await reader.waitFor((c) => c.names('pods').includes(`team-b/after-${created}`), 'the reader to get a change after the cut');
    expect(reader.ended).toBe(false);
  });
});

describe('a client that leaves before the answer starts', () => {
  let harness: SimHarness;
  let portal: Portal;
  let bob: CookieJar;
  ownPortal('bob', { CROWSNEST_WATCH_PER_USER_LIMIT: '5', CROWSNEST_ACCESS_REVIEW_TTL_SECONDS: '0' }, (p) => ({ harness, portal, jar: bob } = p));

  /** Once the server has noticed bob's clients are gone, he still has his whole allowance of five streams. */
  const expectWholeAllowance = async (admin: CookieJar, waitingFor: string) => {
    const streams = async () => ((await (await fetch(`${portal.url}/debug/streams`, { headers: { Cookie: admin.header() } })).json()) as any).streams;
    await until(async () => (await streams()).every((s: any) => s.actor !== 'bob'), { message: waitingFor });
    const clients: SseClient[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const client = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch`, { Cookie: bob.header() });
        clients.push(client);
        expect(client.status, `stream ${i + 1} of 5`).toBe(200);
      }
      expect((await streams()).filter((s: any) => s.actor === 'bob')).toHaveLength(5);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  };

  it('leaks neither a stream nor a place under the cap', async () => {
    const alice = await signInAs(portal.url, 'alice');
    const portalPort = Number(new URL(portal.url).port);
    // Slow access reviews, so each client is gone while its stream is still being set up.
    harness.sim.faults.latency(150);
    try {
      for (let i = 0; i < 30; i++) {
        const socket = await neverReadingWatch(portal.url, '/api/clusters/sim/pods/watch', bob.header());
        // Gone as soon as the server has read the request, long before its access reviews answer.
        await until(() => serverEnd(portalPort, socket.localPort!)?.receiveQueue === 0, { message: 'the server to read the request' });
        socket.destroy();
      }
    } finally {
      harness.sim.faults.latency(0);
    }
    await expectWholeAllowance(alice, "bob's abandoned streams to be gone");
  });
  it('leaks no place under the cap when clients vanish while their session is checked (reset, close, half-close)', async () => {
    const { hostname, port } = new URL(portal.url);
    const once = (how: 'reset' | 'destroy' | 'end') =>
      new Promise<void>((resolve) => {
        const socket = connect(Number(port), hostname, () => {
          socket.write(`GET /api/clusters/sim/pods/watch HTTP/1.1\r\nHost: ${hostname}:${port}\r\nCookie: ${bob.header()}\r\n\r\n`);
          if (how === 'reset') socket.resetAndDestroy();
          else if (how === 'destroy') socket.destroy();
          else socket.end();
        });
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      });
    for (let i = 0; i < 20; i++) for (const how of ['reset', 'destroy', 'end'] as const) await once(how);
    await expectWholeAllowance(await signInAs(portal.url, 'alice'), "bob's vanished streams to be gone");
  });
});

describe('shedding load when the event loop falls behind', () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;
  ownPortal(
    'alice',
    {
      CROWSNEST_TEST_ROUTES: '1',
      CROWSNEST_STREAM_BUFFER_BYTES: String(256 * 1024 * 1024),
      CROWSNEST_HEARTBEAT_SECONDS: '1',
      // Only the event loop's measure sheds here (the delay rule has its own test below).
      CROWSNEST_STREAM_MAX_DELAY_SECONDS: '3600',
    },
    (p) => ({ harness, portal, jar: alice } = p),
  );

  it('sheds no stream that keeps up, however long the event loop is held (a slow informer list is not the clients’ doing)', async () => {
    const streams = async () => ((await (await fetch(`${portal.url}/debug/streams`, { headers: { Cookie: alice.header() } })).json()) as any);
    const reader = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch`, { Cookie: alice.header() });
    try {
      await reader.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
      const before = (await streams()).counters.shedOverloaded;
      const stall = () => fetch(`${portal.url}/api/debug/stall?ms=400`, { method: 'POST', headers: { Cookie: alice.header(), Origin: portal.url, 'X-Crowsnest-CSRF': '1' } });
      // Held for most of five seconds: overloaded by the replica's own measure, with heartbeats queued behind the stalls.
      const until5s = Date.now() + 5_000;
      while (Date.now() < until5s) await stall();
      harness.sim.store.create('/pods', aPod('team-b', 'after-the-stalls'));
      await reader.waitFor((c) => c.names('pods').includes('team-b/after-the-stalls'), 'a change after the stalls');
      expect(reader.of('done')).toEqual([]);
      expect(reader.ended).toBe(false);
      expect((await streams()).counters.shedOverloaded).toBe(before);
    } finally {
      await reader.close();
    }
  });

  it('tells the streams furthest behind to reconnect (done: overloaded) and keeps the ones that keep up', async () => {
    const streams = async () => ((await (await fetch(`${portal.url}/debug/streams`, { headers: { Cookie: alice.header() } })).json()) as any);
    // The flood goes to team-a; this reader watches team-b, so it keeps up however busy the machine is.
    const reader = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch?namespaces=team-b`, { Cookie: alice.header() });
    await reader.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const readerIds: string[] = (await streams()).streams.map((s: any) => s.id);
    const laggard = await neverReadingWatch(portal.url, '/api/clusters/sim/pods/watch', alice.header());
    try {
      const laggardId: string = await until(async () => (await streams()).streams.find((s: any) => !readerIds.includes(s.id))?.id, { message: 'the laggard to be open' });
      const before = (await streams()).counters.shedOverloaded;
      // Big changes until the one that never reads is far behind, or already shed (on a busy machine the flood alone can hold the event loop that long).
      let n = 0;
      await until(
        async () => {
          for (const end = n + 500; n < end; n++) {
            const name = `heavy-${n}`;
            harness.sim.store.create('/pods', { ...aPod('team-a', name, LABELS), metadata: { name, namespace: 'team-a', labels: LABELS } });
          }
          const now = await streams();
          return now.counters.shedOverloaded > before || now.streams.find((s: any) => s.id === laggardId)?.behindBytes > 1024 * 1024;
        },
        // The kernel's socket buffers take a few MB before the portal holds anything for a client that never reads.
        { message: 'the laggard to fall far behind', timeoutMs: 60_000 },
      );
      // Hold the event loop, again and again, as an overloaded replica's would be.
      const stall = () => fetch(`${portal.url}/api/debug/stall?ms=400`, { method: 'POST', headers: { Cookie: alice.header(), Origin: portal.url, 'X-Crowsnest-CSRF': '1' } });
      await until(
        async () => {
          if ((await streams()).counters.shedOverloaded > before) return true;
          await stall();
          return false;
        },
        { message: 'the replica to shed load', timeoutMs: 30_000, intervalMs: 1 },
      );
      const after = await streams();
      expect(after.streams.map((s: any) => s.id)).not.toContain(laggardId);
      // The reader kept up: it is still open and still gets changes.
      expect(reader.ended).toBe(false);
      await createAndSee();
      async function createAndSee() {
        harness.sim.store.create('/pods', aPod('team-b', 'after-the-storm'));
        await reader.waitFor((c) => c.names('pods').includes('team-b/after-the-storm'), 'a change after shedding');
      }
    } finally {
      laggard.destroy();
      await reader.close();
    }
  });
});

describe('shedding streams that fall behind in time', () => {
  let harness: SimHarness;
  let portal: Portal;
  let alice: CookieJar;
  ownPortal(
    'alice',
    {
      CROWSNEST_STREAM_BUFFER_BYTES: String(256 * 1024 * 1024),
      CROWSNEST_HEARTBEAT_SECONDS: '1',
      CROWSNEST_STREAM_MAX_DELAY_SECONDS: '1',
    },
    (p) => ({ harness, portal, jar: alice } = p),
  );

  it('tells a stream whose changes waited past CROWSNEST_STREAM_MAX_DELAY_SECONDS to reconnect (done: overloaded), with the event loop free, and keeps the one that reads', async () => {
    const streams = async () => ((await (await fetch(`${portal.url}/debug/streams`, { headers: { Cookie: alice.header() } })).json()) as any);
    // The changes go to team-a; the reader watches team-b, so it keeps up however busy the machine is.
    const reader = await SseClient.open(`${portal.url}/api/clusters/sim/pods/watch?namespaces=team-b`, { Cookie: alice.header() });
    await reader.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    const readerIds: string[] = (await streams()).streams.map((s: any) => s.id);
    const laggard = await neverReadingWatch(portal.url, '/api/clusters/sim/pods/watch', alice.header());
    try {
      await until(async () => (await streams()).streams.length === 2, { message: 'both streams open' });
      const before = (await streams()).counters.shedLate;
      // Big changes, a small batch at a time (nothing holds the event loop here), until the portal gives up on the stream that never reads.
      let n = 0;
      await until(
        async () => {
          for (const end = n + 100; n < end; n++) {
            const name = `heavy-${n}`;
            harness.sim.store.create('/pods', { ...aPod('team-a', name, LABELS), metadata: { name, namespace: 'team-a', labels: LABELS } });
          }
          return (await streams()).counters.shedLate > before;
        },
        { message: 'the stream that never reads to be told to reconnect', timeoutMs: 60_000 },
      );
      const after = await streams();
      expect(after.counters.shedLate).toBe(before + 1);
      expect(after.streams.map((s: any) => s.id)).toEqual(readerIds);
      expect(after.counters.droppedSlow).toBe(0);
      // The reader, which reads, is still open and still gets changes.
      expect(reader.ended).toBe(false);
      harness.sim.store.create('/pods', aPod('team-b', 'after-the-laggard'));
      await reader.waitFor((c) => c.names('pods').includes('team-b/after-the-laggard'), 'a change after shedding');
      expect(reader.of('done')).toEqual([]);
    } finally {
      laggard.destroy();
      await reader.close();
    }
  });
});

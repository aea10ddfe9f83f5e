import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kinds/types';
import { backoffMs, WatchLoop, type WatchHandler, type WatchLoopOptions } from '../../server/kube/watchLoop';
import { log } from '../../server/log';
import { until } from '../support/until';

/** How the tiny API server answers one request: a LIST or a WATCH of `/api/v1/things`. */
type Answer = (res: ServerResponse, query: URLSearchParams) => void;

/** A tiny API server whose answers each test scripts, one per request; unscripted watches stay open and silent. */
class ScriptedServer {
  readonly requests: Array<{ watch: boolean; query: URLSearchParams }> = [];
  lists: Answer[] = [];
  watches: Answer[] = [];
  private readonly open = new Set<ServerResponse>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const watch = query.get('watch') === '1';
      this.requests.push({ watch, query });
      this.open.add(res);
      res.on('close', () => this.open.delete(res));
      const answer = (watch ? this.watches : this.lists).shift();
      if (answer) return answer(res, query);
      if (watch) return void res.writeHead(200, { 'Content-Type': 'application/json' }).flushHeaders();
      list(res, '1', []);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    for (const res of this.open) res.destroy();
    this.requests.length = 0;
    this.lists = [];
    this.watches = [];
  }

  async stop(): Promise<void> {
    this.reset();
    await new Promise((resolve) => this.server.close(resolve));
  }

  listRequests(): Array<URLSearchParams> {
    return this.requests.filter((r) => !r.watch).map((r) => r.query);
  }

  watchRequests(): Array<URLSearchParams> {
    return this.requests.filter((r) => r.watch).map((r) => r.query);
  }
}

const thing = (name: string, resourceVersion: string): KubeObject => ({ apiVersion: 'v1', kind: 'Thing', metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion } });

function list(res: ServerResponse, resourceVersion: string, items: KubeObject[], cont?: string): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'ThingList', apiVersion: 'v1', metadata: { resourceVersion, ...(cont ? { continue: cont } : {}) }, items }));
}

/** A watch that sends `events` (one JSON line each) and then stays open, or ends when `end`. */
const watchSending =
  (events: object[], end = false): Answer =>
  (res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    for (const event of events) res.write(`${JSON.stringify(event)}\n`);
    if (end) res.end();
  };

const status = (code: number, reason: string, message: string): Answer => (res) => {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message }));
};

const server = new ScriptedServer();
let kubeConfig: KubeConfig;
const running: AbortController[] = [];

beforeAll(async () => {
  log.level = 'silent';
  await server.start();
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'tiny', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'portal' }],
    contexts: [{ name: 'tiny', cluster: 'tiny', user: 'portal' }],
    currentContext: 'tiny',
  });
});
afterEach(() => {
  for (const controller of running.splice(0)) controller.abort();
  server.reset();
});
afterAll(() => server.stop());

/** Runs a loop over the tiny server and records what it tells its handler. */
function runLoop(options: Partial<WatchLoopOptions> = {}, extra: Partial<WatchHandler> = {}) {
  const seen = { pages: [] as Array<{ names: string[]; first: boolean; last: boolean }>, events: [] as string[], synced: 0, silent: 0, failures: [] as Array<{ err: unknown; retryInMs: number }> };
  const loop = new WatchLoop(
    { kubeConfig, path: '/api/v1/things', mode: 'watch', label: 'test/things', backoffBaseMs: 10, backoffMaxMs: 80, ...options },
    {
      listPage: (objects, page) => void seen.pages.push({ names: objects.map((o) => o.metadata!.name!), ...page }),
      event: (type, object) => void seen.events.push(`${type}:${object.metadata!.name}`),
      synced: () => void seen.synced++,
      silent: () => void seen.silent++,
      failed: (err, retryInMs) => void seen.failures.push({ err, retryInMs }),
      ...extra,
    },
  );
  const controller = new AbortController();
  running.push(controller);
  const done = loop.run(controller.signal);
  return { loop, seen, controller, done };
}

describe('the list+watch loop', () => {
  it('lists page by page, then watches from the list’s resourceVersion with bookmarks and hands on each event', async () => {
    server.lists = [(res) => list(res, '7', [thing('a', '5')], 'page-2'), (res, q) => list(res, '7', q.get('continue') === 'page-2' ? [thing('b', '6')] : [])];
    server.watches = [
      watchSending([
        { type: 'ADDED', object: thing('c', '8') },
        { type: 'BOOKMARK', object: { kind: 'Thing', metadata: { resourceVersion: '9' } } },
        { type: 'DELETED', object: thing('a', '10') },
      ]),
    ];
    const { seen } = runLoop({ pageSize: 1 });
    await until(() => seen.events.length === 2, { message: 'the two events' });
    expect(seen.pages).toEqual([
      { names: ['a'], first: true, last: false },
      { names: ['b'], first: false, last: true },
    ]);
    expect(server.listRequests().map((q) => [q.get('limit'), q.get('continue')])).toEqual([
      ['1', null],
      ['1', 'page-2'],
    ]);
    const [watch] = server.watchRequests();
    expect(watch.get('resourceVersion')).toBe('7');
    expect(watch.get('allowWatchBookmarks')).toBe('true');
    expect(Number(watch.get('timeoutSeconds'))).toBeGreaterThan(0);
    expect(seen.events).toEqual(['ADDED:c', 'DELETED:a']);
  });

  it('relists after 410 Expired, whether the watch is refused with it or says it in an ERROR event', async () => {
    server.lists = [(res) => list(res, '10', [thing('a', '10')]), (res) => list(res, '20', [thing('a', '10'), thing('b', '19')]), (res) => list(res, '30', [thing('b', '19')])];
    server.watches = [
      watchSending([{ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version: 10 (15)' } }]),
      status(410, 'Expired', 'too old resource version: 20 (25)'),
    ];
    const { seen } = runLoop();
    await until(() => server.watchRequests().length === 3, { message: 'the third watch' });
    expect(server.listRequests()).toHaveLength(3);
    expect(server.watchRequests().map((q) => q.get('resourceVersion'))).toEqual(['10', '20', '30']);
    expect(seen.pages.map((p) => p.names)).toEqual([['a'], ['a', 'b'], ['b']]);
    // An expiry is no failure: no backoff, nothing reported as trouble.
    expect(seen.failures).toEqual([]);
  });

  it('restarts a watch that goes silent past its liveness window, from where it was and without relisting', async () => {
    server.lists = [(res) => list(res, '3', [])];
    // Sends one event, then nothing at all (not even a bookmark).
    server.watches = [watchSending([{ type: 'ADDED', object: thing('a', '4') }])];
    const { seen, loop } = runLoop({ livenessMs: 300 });
    await until(() => server.watchRequests().length === 2, { message: 'the watch to be restarted' });
    expect(seen.silent).toBe(1);
    expect(server.listRequests()).toHaveLength(1);
    expect(server.watchRequests()[1].get('resourceVersion')).toBe('4');
    expect(seen.failures).toEqual([]);
    expect(loop.stats.watchRestarts).toBe(1);
  });

  it('backs off after each failure with capped, jittered waits, and begins again from the shortest after a success', async () => {
    const unavailable = status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
    server.lists = [unavailable, unavailable, unavailable, unavailable, unavailable, (res) => list(res, '1', [])];
    // After the list, one watch that fails, so the count after a success shows.
    server.watches = [unavailable];
    const { seen } = runLoop({ backoffBaseMs: 10, backoffMaxMs: 80 });
    await until(() => seen.failures.length === 6, { message: 'six failures' });
    const ceilings = [20, 40, 80, 80, 80, 20];
    seen.failures.forEach(({ retryInMs }, i) => {
      expect(retryInMs, `wait ${i + 1}`).toBeGreaterThanOrEqual(ceilings[i] / 2);
      expect(retryInMs, `wait ${i + 1}`).toBeLessThanOrEqual(ceilings[i]);
    });
    expect(seen.failures.map(({ err }) => (err as { status?: number }).status)).toEqual([503, 503, 503, 503, 503, 503]);
    // The failed watch is retried from the same resourceVersion: a 503 is no reason to relist.
    await until(() => server.watchRequests().length === 2, { message: 'the watch again' });
    expect(server.watchRequests().map((q) => q.get('resourceVersion'))).toEqual(['1', '1']);
    expect(server.listRequests()).toHaveLength(6);
  });

  it('with `list: version`, lists one object for the resourceVersion only and does not page', async () => {
    server.lists = [(res) => list(res, '42', [thing('a', '40')], 'more')];
    const { seen } = runLoop({ list: 'version' });
    await until(() => server.watchRequests().length === 1, { message: 'the watch' });
    expect(server.listRequests().map((q) => q.get('limit'))).toEqual(['1']);
    expect(seen.pages).toEqual([{ names: [], first: true, last: true }]);
    expect(server.watchRequests()[0].get('resourceVersion')).toBe('42');
  });

  it('ends with a fatal error of its handler instead of retrying it', async () => {
    class Fatal extends Error {}
    server.lists = [(res) => list(res, '1', [])];
    const { done } = runLoop(
      { isFatal: (err) => err instanceof Fatal },
      {
        listPage: () => {
          throw new Fatal('the lease is gone');
        },
      },
    );
    await expect(done).rejects.toThrow('the lease is gone');
  });

  it('polls instead of watching in `poll` mode', async () => {
    const { seen } = runLoop({ mode: 'poll', pollIntervalMs: 20 });
    await until(() => server.listRequests().length >= 3, { message: 'three lists' });
    expect(server.watchRequests()).toHaveLength(0);
    expect(seen.synced).toBeGreaterThanOrEqual(3);
  });
});

describe('backoffMs', () => {
  it('stays between half and all of the capped exponential ceiling', () => {
    for (let failures = 0; failures < 30; failures++) {
      const ceiling = Math.min(30_000, 500 * 2 ** Math.min(failures, 16));
      for (let i = 0; i < 20; i++) {
        const wait = backoffMs(failures, 500, 30_000);
        expect(wait).toBeGreaterThanOrEqual(ceiling / 2);
        expect(wait).toBeLessThanOrEqual(ceiling);
      }
    }
  });
});

import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { topicKeys } from '../../server/fleet/redisBus';
import { startReplica, type TestFleet } from '../support/fleet';
import type { Portal } from '../support/portal';
import { aPod, portalKubeconfig } from '../support/portalOnSim';
import { startRedis } from '../support/redis';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { SseClient } from '../support/sse';
import { until } from '../support/until';

const PODS = topicKeys('sim/pods');

/**
 * Garbage written straight into a live fleet's Redis, as a stray script or a
 * person at redis-cli would: the topic it hits begins a new epoch (its clients
 * get a fresh snapshot that matches the cluster), the other topics go on as if
 * nothing happened, no replica falls over, and the error is in the logs.
 */
describe('a fleet whose Redis gets garbage in one topic', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let admin: ReturnType<typeof createClient>;
  let harness: SimHarness;
  let alice: CookieJar;
  const portals: Portal[] = [];
  const open: SseClient[] = [];
  let serial = 0;

  beforeAll(async () => {
    redis = await startRedis();
    admin = createClient({ url: redis.url, RESP: 2 });
    await admin.connect();
    harness = await startSim({ scenario: 'empty', controllers: false, bookmarkIntervalMs: 500 });
    for (const name of ['web-1', 'web-2']) await createPod(name);
    await createConfigMap('settings');
    const { path: kubeconfig } = await portalKubeconfig(harness);
    const secret = randomBytes(32).toString('base64url');
    const fleet: TestFleet = { kubeconfig, redisUrl: redis.url, secret, portals };
    await Promise.all([0, 1].map(() => startReplica(fleet, { CROWSNEST_HEARTBEAT_SECONDS: '1' })));
    alice = await signInAs(portals[0].url, 'alice');
  }, 240_000);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await Promise.all(portals.map((p) => p.stop('SIGKILL')));
    await admin?.close().catch(() => undefined);
    await harness?.close();
    await redis?.stop();
  });

  async function createPod(name: string): Promise<void> {
    const res = await harness.api('/api/v1/namespaces/team-a/pods', { method: 'POST', body: JSON.stringify(aPod('team-a', name)), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(201);
  }
  async function createConfigMap(name: string): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team-a' }, data: { a: '1' } };
    const res = await harness.api('/api/v1/namespaces/team-a/configmaps', { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(201);
  }
  /** The truth: a fresh LIST from the simulator, as `namespace/name`. */
  async function listed(resource: 'pods' | 'configmaps'): Promise<string[]> {
    const list = (await (await harness.api(`/api/v1/${resource}`)).json()) as { items: Array<{ metadata: { namespace: string; name: string } }> };
    return list.items.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
  }
  async function watch(portal: Portal, kind: string): Promise<SseClient> {
    const client = await SseClient.open(`${portal.url}/api/clusters/sim/${kind}/watch`, { Cookie: alice.header() });
    open.push(client);
    expect(client.status).toBe(200);
    await client.waitFor((c) => c.of('snapshot').length === 1, `the ${kind} snapshot`, 30_000);
    return client;
  }
  const epochOf = (id: string | undefined) => id?.slice(0, id.lastIndexOf('-'));
  const deltaIds = (c: SseClient) => c.events.filter((e) => ['snapshot', 'added', 'modified', 'deleted'].includes(e.event)).map((e) => e.id);
  const meta = async () => {
    const [epoch, seq, gen] = await admin.sendCommand<string[]>(['HMGET', PODS.meta, 'epoch', 'seq', 'gen']);
    return { epoch, seq: Number(seq), gen: Number(gen) };
  };
  /** Errors the replicas logged about the pods topic. */
  const errorsLogged = () => portals.flatMap((p) => p.logs).filter((l) => l.level === 'error' && (l.topic === 'sim/pods' || l.kind === 'pods'));

  /**
   * Streams pods and configmaps from both replicas, runs `corrupt`, then makes
   * a change of each kind; expects the pods topic to begin anew and the
   * configmaps topic to carry on undisturbed.
   */
  async function expectOnlyPodsRestart(corrupt: () => Promise<void>): Promise<void> {
    const pods = [await watch(portals[0], 'pods'), await watch(portals[1], 'pods')];
    const configmaps = [await watch(portals[0], 'configmaps'), await watch(portals[1], 'configmaps')];
    const before = epochOf(pods[0].lastId);
    expect(epochOf(pods[1].lastId)).toBe(before);
    expect((await meta()).epoch).toBe(before);
    const cmEpoch = epochOf(configmaps[0].lastId);
    const errorsBefore = errorsLogged().length;

    await corrupt();
    const n = ++serial;
    await createPod(`after-garbage-${n}`);
    await createConfigMap(`after-garbage-${n}`);

    // The pods topic began anew: a fresh snapshot in a new epoch, then it goes on live, equal to the cluster.
    for (const client of pods) {
      await client.waitFor((c) => c.of('snapshot').length >= 2 && epochOf(c.lastId) !== before, 'a new pods epoch and snapshot', 30_000);
      await client.waitFor((c) => c.names('pods').includes(`team-a/after-garbage-${n}`), 'the new pod', 30_000);
    }
    await createPod(`live-again-${n}`);
    const truth = async () => listed('pods');
    for (const client of pods) {
      await until(async () => JSON.stringify(client.names('pods')) === JSON.stringify(await truth()), { message: 'the pods equal a fresh LIST', timeoutMs: 30_000 });
    }
    const after = epochOf(pods[0].lastId);
    expect(after).not.toBe(before);
    expect(epochOf(pods[1].lastId)).toBe(after);

    // The configmaps streams: the new object as a delta, no snapshot, the same epoch throughout.
    for (const client of configmaps) {
      await client.waitFor((c) => c.names('configmaps').includes(`team-a/after-garbage-${n}`), 'the new configmap');
      expect(client.of('snapshot')).toHaveLength(1);
      expect(new Set(deltaIds(client).map(epochOf))).toEqual(new Set([cmEpoch]));
      expect(client.names('configmaps')).toEqual(await listed('configmaps'));
      expect(client.ended).toBe(false);
    }

    await until(() => errorsLogged().length > errorsBefore, { message: 'the error in a log' });
    for (const portal of portals) expect(portal.process.exitCode, 'a replica exited').toBeNull();
  }

  it('begins a new pods epoch after an entry without a delta at the next position', async () => {
    await expectOnlyPodsRestart(async () => {
      const { gen, seq } = await meta();
      await admin.sendCommand(['XADD', PODS.deltas, `${gen}-${seq + 1}`, 'x', 'garbage']);
    });
  });

  it('begins a new pods epoch after an entry whose delta is not JSON', async () => {
    await expectOnlyPodsRestart(async () => {
      const { gen, seq } = await meta();
      await admin.sendCommand(['XADD', PODS.deltas, `${gen}-${seq + 1}`, 'd', '{not json', 't', '0']);
    });
  });

  it('begins a new pods epoch after an entry added with an id of Redis’ choosing', async () => {
    await expectOnlyPodsRestart(async () => {
      await admin.sendCommand(['XADD', PODS.deltas, '*', 'd', JSON.stringify({ type: 'added', seq: 1, row: { uid: 'x' } })]);
    });
  });

  it('begins a new pods epoch when its rows hash is replaced by a string', async () => {
    await expectOnlyPodsRestart(async () => {
      const { epoch } = await meta();
      await admin.sendCommand(['DEL', PODS.rows(epoch)]);
      await admin.sendCommand(['SET', PODS.rows(epoch), 'garbage']);
    });
  });

  it('begins a new pods epoch when its delta stream is replaced by a string, while configmaps go on', async () => {
    await expectOnlyPodsRestart(async () => {
      await admin.sendCommand(['DEL', PODS.deltas]);
      await admin.sendCommand(['SET', PODS.deltas, 'garbage']);
    });
  });
});

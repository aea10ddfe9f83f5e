import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterSummary } from '@/lib/clusters';
import { startPortal, type Portal } from '../support/portal';
import { portalKubeconfig } from '../support/portalOnSim';
import { signInAs, type CookieJar } from '../support/session';
import { startSim, type SimHarness } from '../support/sim';
import { SseClient } from '../support/sse';
import { until } from '../support/until';

describe('clusters follow the kubeconfig without a restart', () => {
  let one: SimHarness;
  let two: SimHarness;
  let portal: Portal;
  let alice: CookieJar;
  let live: string;
  let kcOne: KubeConfig;
  let kcTwo: KubeConfig;

  /** A kubeconfig holding the given contexts, written in place of the portal's file (as an operator would). */
  const writeKubeconfig = async (configs: KubeConfig[]) => {
    const merged = new KubeConfig();
    merged.loadFromOptions({
      clusters: configs.flatMap((kc) => kc.clusters),
      users: configs.flatMap((kc) => kc.users.map((u) => ({ ...u, name: `${u.name}-${kc.currentContext}` }))),
      contexts: configs.map((kc) => ({ ...kc.contexts[0], user: `${kc.contexts[0].user}-${kc.currentContext}` })),
      currentContext: configs[0]?.currentContext ?? '',
    });
    const staged = join(one.dir, 'staged.yaml');
    await writeFile(staged, merged.exportConfig());
    await copyFile(staged, live);
  };
  const names = async () => ((await (await fetch(`${portal.url}/api/clusters`, { headers: { Cookie: alice.header() } })).json()) as ClusterSummary[]).map((c) => c.name).sort();

  beforeAll(async () => {
    [one, two] = await Promise.all([startSim({ scenario: 'empty', controllers: false }), startSim({ scenario: 'empty', controllers: false })]);
    kcOne = (await portalKubeconfig(one, 'first')).kc;
    kcTwo = (await portalKubeconfig(two, 'second')).kc;
    live = join(one.dir, 'crowsnest-kubeconfig.yaml');
    await writeKubeconfig([kcOne]);
    portal = await startPortal({ KUBECONFIG: live, CROWSNEST_DEMO: '0', CROWSNEST_RATE_LIMIT_PER_SECOND: '0' });
    alice = await signInAs(portal.url, 'alice');
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
    await Promise.all([one?.close(), two?.close()]);
  });

  it('adds a context written into the file, and ends the streams of a removed one cleanly', async () => {
    expect(await names()).toEqual(['first']);
    await writeKubeconfig([kcOne, kcTwo]);
    await until(async () => JSON.stringify(await names()) === '["first","second"]', { message: 'the new cluster', timeoutMs: 15_000 });

    const stream = await SseClient.open(`${portal.url}/api/clusters/first/pods/watch`, { Cookie: alice.header() });
    await stream.waitFor((c) => c.of('snapshot').length === 1, 'the snapshot');
    await writeKubeconfig([kcTwo]);
    await stream.waitFor((c) => c.ended, 'the stream of the removed cluster to end', 15_000);
    expect(stream.of('done').at(-1)?.data).toEqual({ reason: 'cluster-removed' });
    expect(await names()).toEqual(['second']);
    const gone = await fetch(`${portal.url}/api/clusters/first/pods`, { headers: { Cookie: alice.header() } });
    expect(gone.status).toBe(404);
  });

  it('keeps serving when the file is briefly broken', async () => {
    await writeFile(live, 'this: [is not a kubeconfig');
    await until(() => portal.logs.some((l) => String(l.msg).startsWith('could not reload the kubeconfig')), { message: 'the reload to be refused', timeoutMs: 15_000 });
    expect(await names()).toEqual(['second']);
  });
});

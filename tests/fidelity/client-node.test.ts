import { CoreV1Api, KubeConfig, makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type SimHarness } from '../support/sim';
import { until } from '../support/until';

let h: SimHarness;
let api: CoreV1Api;

beforeAll(async () => {
  h = await startSim({ scenario: 'empty' });
  const kc = new KubeConfig();
  kc.loadFromFile(h.kubeconfigPath);
  api = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await h?.close();
});

function configMap(name: string, data: Record<string, string>): V1ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team-a' }, data };
}

describe('@kubernetes/client-node against the simulator', () => {
  it('loads the kubeconfig and lists, creates and reads through CoreV1Api', async () => {
    const namespaces = await api.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['default', 'team-a', 'team-b']));
    const created = await api.createNamespacedConfigMap({ namespace: 'team-a', body: configMap('via-client', { a: '1' }) });
    expect(created.metadata?.uid).toBeTruthy();
    const read = await api.readNamespacedConfigMap({ namespace: 'team-a', name: 'via-client' });
    expect(read.data).toEqual({ a: '1' });
  });

  it('surfaces a 404 as an ApiException with the Status body', async () => {
    await expect(api.readNamespacedConfigMap({ namespace: 'team-a', name: 'absent' })).rejects.toMatchObject({ code: 404 });
  });

  it('runs an informer that sees add, update and delete, and recovers after a forced 410', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(h.kubeconfigPath);
    let lists = 0;
    const informer = makeInformer(kc, '/api/v1/namespaces/team-a/configmaps', () => {
      lists++;
      return api.listNamespacedConfigMap({ namespace: 'team-a' });
    });
    const seen: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (o) => seen.push(`add:${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update:${o.metadata?.name}:${o.data?.v}`));
    informer.on('delete', (o) => seen.push(`delete:${o.metadata?.name}`));
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      await until(() => seen.includes('add:via-client'), { message: 'initial list delivered' });

      await api.createNamespacedConfigMap({ namespace: 'team-a', body: configMap('live', { v: '1' }) });
      await until(() => seen.includes('add:live'), { message: 'add event' });
      await api.replaceNamespacedConfigMap({ namespace: 'team-a', name: 'live', body: configMap('live', { v: '2' }) });
      await until(() => seen.includes('update:live:2'), { message: 'update event' });
      await api.deleteNamespacedConfigMap({ namespace: 'team-a', name: 'live' });
      await until(() => seen.includes('delete:live'), { message: 'delete event' });
      expect(lists).toBe(1);

      // End the watch, change the world while nobody watches, and forget history: the
      // informer's next watch from its old resourceVersion must get 410 and relist.
      const store = h.sim.store;
      const key = '/configmaps';
      h.sim.closeWatches();
      store.create(key, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'missed', namespace: 'team-a' }, data: { v: '1' } });
      store.delete(key, 'team-a', 'via-client');
      store.compact();
      await until(() => seen.includes('add:missed') && seen.includes('delete:via-client'), { message: `relist after 410, saw ${seen.join(',')}` });

      expect(lists).toBe(2);

      // And it keeps watching afterwards.
      await api.createNamespacedConfigMap({ namespace: 'team-a', body: configMap('after', { v: '1' }) });
      await until(() => seen.includes('add:after'), { message: 'add after recovery' });
      expect(errors).toEqual([]);
      expect(informer.list().map((o) => o.metadata?.name).sort()).toEqual(['after', 'kube-root-ca.crt', 'missed']);
    } finally {
      await informer.stop();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { Store, type StoreEvent } from '../../sim/store';
import type { KubeObject } from '../../sim/types';

const cm = (ns: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns } });

describe('store', () => {
  it('stamps one global, increasing resourceVersion on every write', () => {
    const s = new Store();
    const a = s.create('/configmaps', cm('x', 'a'));
    const b = s.create('/secrets', { ...cm('x', 'b'), kind: 'Secret' });
    const a2 = s.update('/configmaps', { ...a, data: { k: 'v' }, metadata: { ...a.metadata } });
    const gone = s.delete('/configmaps', 'x', 'a')!;
    expect([a, b, a2, gone].map((o) => Number(o.metadata.resourceVersion))).toEqual([1, 2, 3, 4]);
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(s.currentRv()).toBe(4);
  });

  it('iterates in namespace/name order and resumes after a position', () => {
    const s = new Store();
    for (const [ns, n] of [['b', 'x'], ['a', 'z'], ['a', 'y'], ['c', 'a']]) s.create('/configmaps', cm(ns, n));
    expect(s.list('/configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['a/y', 'a/z', 'b/x', 'c/a']);
    expect([...s.iterate('/configmaps', undefined, 'a/z')].map((o) => o.metadata.name)).toEqual(['x', 'a']);
    expect(s.list('/configmaps', 'a').map((o) => o.metadata.name)).toEqual(['y', 'z']);
  });

  it('reads objects as they were at an earlier resourceVersion, as a continued list does', () => {
    const s = new Store();
    for (const n of ['a', 'b', 'c', 'd']) s.create('/configmaps', cm('x', n));
    const at = s.currentRv();
    s.create('/configmaps', cm('x', 'bb'));
    s.delete('/configmaps', 'x', 'c');
    const d = s.get('/configmaps', 'x', 'd')!;
    s.update('/configmaps', { ...d, data: { k: 'new' }, metadata: { ...d.metadata } });
    s.create('/secrets', { ...cm('x', 'e'), kind: 'Secret' });
    const then = [...s.iterateAt('/configmaps', at, 'x', 'x/a')];
    expect(then.map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)).toEqual(['b@2', 'c@3', 'd@4']);
    expect([...s.iterateAt('/configmaps', s.currentRv(), undefined, 'x/a')].map((o) => o.metadata.name)).toEqual(['b', 'bb', 'd']);
    // Across namespaces, as a list of the whole collection pages it: the deleted one in its place, the created one not yet there.
    s.create('/configmaps', cm('w', 'late'));
    const all = [...s.iterateAt('/configmaps', at, undefined, undefined)].map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`);
    expect(all).toEqual(['x/a@1', 'x/b@2', 'x/c@3', 'x/d@4']);
    // The count a page reports as remaining, without visiting the objects.
    for (const [rv, after] of [[at, undefined], [at, 'x/a'], [at, 'x/b'], [at, 'x/d'], [s.currentRv(), 'x/a'], [s.currentRv(), undefined], [at, 'w/late']] as const) {
      expect(s.countAt('/configmaps', rv, undefined, after)).toBe([...s.iterateAt('/configmaps', rv, undefined, after)].length);
      expect(s.countAt('/configmaps', rv, 'x', after)).toBe([...s.iterateAt('/configmaps', rv, 'x', after)].length);
    }
  });

  it('keeps a bounded history and reports expiry for resourceVersions it no longer holds', () => {
    const s = new Store(4);
    for (let i = 0; i < 10; i++) s.create('/configmaps', cm('x', `c${i}`));
    expect(s.eventsSince(1)).toBe('expired');
    const recent = s.eventsSince(8);
    expect(recent).not.toBe('expired');
    expect((recent as StoreEvent[]).map((e) => e.rv)).toEqual([9, 10]);
    expect(s.eventsSince(10)).toEqual([]);
  });

  it('forgets events older than its time window, keeping the newer ones resumable', () => {
    let now = 0;
    const s = new Store(5000, { windowMs: 1000, now: () => now });
    s.create('/configmaps', cm('x', 'old'));
    now = 600;
    s.create('/configmaps', cm('x', 'newer'));
    expect((s.eventsSince(0) as StoreEvent[]).map((e) => e.rv)).toEqual([1, 2]);
    now = 1300;
    expect(s.eventsSince(0)).toBe('expired');
    expect((s.eventsSince(1) as StoreEvent[]).map((e) => e.rv)).toEqual([2]);
    now = 5000;
    expect(s.eventsSince(1)).toBe('expired');
    expect(s.eventsSince(2)).toEqual([]);
  });

  it('removes an object whose last finalizer an update takes away while it is being deleted', () => {
    const s = new Store();
    const seen: string[] = [];
    s.subscribe((e) => seen.push(`${e.type}:${e.object.metadata.finalizers?.join(',') ?? ''}`));
    const held = s.create('/configmaps', { ...cm('x', 'held'), metadata: { name: 'held', namespace: 'x', finalizers: ['example.com/hold'] } });
    const deleting = s.update('/configmaps', { ...held, metadata: { ...held.metadata, deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 } });
    expect(s.get('/configmaps', 'x', 'held')).toBe(deleting);
    const gone = s.update('/configmaps', { ...deleting, metadata: { ...deleting.metadata, finalizers: [] } });
    expect(s.get('/configmaps', 'x', 'held')).toBeUndefined();
    expect(gone.metadata.resourceVersion).toBe(String(s.currentRv()));
    expect(seen).toEqual(['ADDED:example.com/hold', 'MODIFIED:example.com/hold', 'DELETED:']);
  });

  it('expires everything older than now on compact', () => {
    const s = new Store();
    s.create('/configmaps', cm('x', 'a'));
    s.create('/configmaps', cm('x', 'b'));
    s.compact();
    expect(s.eventsSince(1)).toBe('expired');
    expect(s.eventsSince(2)).toEqual([]);
  });

  it('tells listeners about every write with the previous object, and survives a throwing listener', () => {
    const s = new Store();
    const seen: string[] = [];
    s.subscribe(() => {
      throw new Error('bad watcher');
    });
    s.subscribe((e) => seen.push(`${e.type}:${e.previous?.metadata.resourceVersion ?? '-'}`));
    const a = s.create('/configmaps', cm('x', 'a'));
    s.update('/configmaps', { ...a, metadata: { ...a.metadata } });
    s.delete('/configmaps', 'x', 'a');
    expect(seen).toEqual(['ADDED:-', 'MODIFIED:1', 'DELETED:2']);
  });

  it('deletes a namespace\'s contents across resources', () => {
    const s = new Store();
    s.create('/configmaps', cm('x', 'a'));
    s.create('/secrets', { ...cm('x', 'b'), kind: 'Secret' });
    s.create('/configmaps', cm('y', 'c'));
    s.deleteNamespaceContents('x');
    expect(s.count('/configmaps')).toBe(1);
    expect(s.count('/secrets')).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { krateSchema } from '@/lib/yard/model';
import { addKrate, bringToFront, describeKrate, matchesSpotlight, moveKrate, nudgeKrate, nudgeSize, readKrates, removeKrate, resizeKrate, setMinimised } from '@/app/components/yard/krates';
import { rowMatches } from '@/app/components/yard/rowFilter';

const aPodKrate = (name = 'web-1') => ({ type: 'object' as const, cluster: 'demo', kind: 'pods', namespace: 'team-a', name });

/** Two browsers' documents that have exchanged everything. */
function synced(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('changing a yard from the browser', () => {
  it('adds krates the portal accepts, each below the last and on top of the others', () => {
    const doc = new Y.Doc();
    const first = addKrate(doc, aPodKrate('web-1'));
    const second = addKrate(doc, { type: 'list', cluster: 'demo', kind: 'pods', namespace: 'team-a', filter: 'app=web', name: undefined });
    const [a, b] = readKrates(doc);
    expect([a.id, b.id]).toEqual([first, second]);
    expect(b.y).toBeGreaterThanOrEqual(a.y + a.h);
    expect(b.z).toBeGreaterThan(a.z);
    // Exactly the fields the server checks, none empty or undefined.
    for (const k of readKrates(doc)) {
      const { id, ...fields } = k;
      expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(krateSchema.safeParse(fields).success, JSON.stringify(fields)).toBe(true);
    }
    expect('name' in b).toBe(false);
  });

  it('moves and resizes on the grid, never off the canvas or below the smallest size, writing only what changed', () => {
    const doc = new Y.Doc();
    doc.getMap('layout').set('grid', 10);
    const id = addKrate(doc, aPodKrate(), { x: 100, y: 100 });
    moveKrate(doc, id, 133, 87);
    expect(readKrates(doc)[0]).toMatchObject({ x: 130, y: 90 });
    moveKrate(doc, id, -50, -50);
    expect(readKrates(doc)[0]).toMatchObject({ x: 0, y: 0 });
    nudgeKrate(doc, id, 2, 1);
    expect(readKrates(doc)[0]).toMatchObject({ x: 20, y: 10 });
    resizeKrate(doc, id, 10, 10);
    expect(readKrates(doc)[0]).toMatchObject({ w: 120, h: 120 });
    nudgeSize(doc, id, 3, 0);
    expect(readKrates(doc)[0]).toMatchObject({ w: 150, h: 120 });
    let updates = 0;
    doc.on('update', () => updates++);
    moveKrate(doc, id, 20, 10);
    bringToFront(doc, id);
    setMinimised(doc, id, false);
    expect(updates).toBe(0);
  });

  it('puts a krate added in view where it covers no other', () => {
    const doc = new Y.Doc();
    const ids = [0, 1, 2, 3].map((i) => addKrate(doc, aPodKrate(`web-${i}`), { x: 40, y: 40 }));
    const placed = readKrates(doc).filter((k) => ids.includes(k.id));
    expect(placed).toHaveLength(4);
    for (const a of placed) {
      expect(a.x).toBeGreaterThanOrEqual(40);
      expect(a.y).toBeGreaterThanOrEqual(40);
      for (const b of placed) if (a !== b) expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h, `${a.name} over ${b.name}`).toBe(false);
    }
  });

  it('brings a krate to the front only when another is above it', () => {
    const doc = new Y.Doc();
    const low = addKrate(doc, aPodKrate('a'));
    const high = addKrate(doc, aPodKrate('b'));
    bringToFront(doc, low);
    const z = Object.fromEntries(readKrates(doc).map((k) => [k.id, k.z]));
    expect(z[low]).toBeGreaterThan(z[high]);
  });

  it('converges when two people move the same krate at once, and keeps one moving while the other resizes', () => {
    const alice = new Y.Doc();
    const bob = new Y.Doc();
    const id = addKrate(alice, aPodKrate());
    synced(alice, bob);
    moveKrate(alice, id, 400, 200);
    moveKrate(bob, id, 600, 300);
    synced(alice, bob);
    expect(readKrates(alice)).toEqual(readKrates(bob));
    expect([400, 600]).toContain(readKrates(alice)[0].x);
    moveKrate(alice, id, 800, 400);
    resizeKrate(bob, id, 500, 500);
    setMinimised(bob, id, true);
    synced(alice, bob);
    expect(readKrates(bob)[0]).toMatchObject({ x: 800, y: 400, w: 500, h: 500, minimised: true });
    removeKrate(bob, id);
    synced(alice, bob);
    expect(readKrates(alice)).toEqual([]);
  });

  it('says what a krate shows and finds it by the words of a spotlight', () => {
    const doc = new Y.Doc();
    addKrate(doc, { type: 'logs', cluster: 'demo', kind: 'pods', namespace: 'team-a', name: 'web-1', container: 'app' });
    const [k] = readKrates(doc);
    expect(describeKrate(k)).toBe('logs · pods team-a/web-1 (app)');
    expect(matchesSpotlight(k, 'web team-a')).toBe(true);
    expect(matchesSpotlight(k, 'web team-b')).toBe(false);
    expect(matchesSpotlight(k, '  ')).toBe(false);
  });
});

describe("a list krate's filter", () => {
  const row = { name: 'web-7d9f', labels: { app: 'web', tier: 'front' } };
  it('reads label selectors', () => {
    expect(rowMatches(row, 'app=web')).toBe(true);
    expect(rowMatches(row, 'app=web,tier=front')).toBe(true);
    expect(rowMatches(row, 'app=web, tier!=front')).toBe(false);
    expect(rowMatches(row, 'app=api')).toBe(false);
  });
  it('otherwise matches part of the name, and an empty filter matches everything', () => {
    expect(rowMatches(row, 'WEB-7')).toBe(true);
    expect(rowMatches(row, 'api')).toBe(false);
    expect(rowMatches(row, '')).toBe(true);
  });
});

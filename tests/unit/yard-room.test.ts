import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Actor } from '@/lib/actor';
import { YardError } from '@/server/yard/catalog';
import { YardRoom, type Member } from '@/server/yard/room';
import { LocalYardStorage, type YardListener, type YardStorage } from '@/server/yard/storage';
import { until } from '../support/until';

const limits = { maxDocumentBytes: 64 * 1024, maxKrates: 5, updatesPerSecond: 1000, clusterExists: (name: string) => name === 'demo' };
const actor = (name: string, groups: string[] = []): Actor => ({ name, groups, sessionId: `s-${name}` });

/** A browser: its own Yjs document and awareness, connected to the room the way the socket connects it. */
class Browser {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly errors: YardError[] = [];
  readonly notices: string[] = [];
  readonly closed: Array<{ code: number; message: string }> = [];
  readonly member: Member;

  constructor(
    readonly room: YardRoom,
    name: string,
    access: Member['access'] = 'edit',
  ) {
    this.member = {
      id: `socket-${name}-${Math.random()}`,
      actor: actor(name),
      access,
      send: (event, bytes) => {
        if (event === 'awareness') awarenessProtocol.applyAwarenessUpdate(this.awareness, bytes, 'server');
        else this.receive(bytes);
      },
      notice: (message) => this.notices.push(message),
      close: (code, message) => this.closed.push({ code, message }),
    };
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === 'server') return;
      const message = encoding.createEncoder();
      syncProtocol.writeUpdate(message, update);
      this.sendSync(encoding.toUint8Array(message));
    });
  }

  join(): this {
    this.room.join(this.member);
    return this;
  }

  /** Loses the next message this browser sends (a dropped connection). */
  dropNext = false;

  sendSync(bytes: Uint8Array): void {
    if (this.dropNext) {
      this.dropNext = false;
      return;
    }
    try {
      this.room.receiveSync(this.member, bytes);
    } catch (err) {
      if (err instanceof YardError) this.errors.push(err);
      else throw err;
    }
  }

  sendAwareness(bytes: Uint8Array): void {
    try {
      this.room.receiveAwareness(this.member, bytes);
    } catch (err) {
      if (err instanceof YardError) this.errors.push(err);
      else throw err;
    }
  }

  private receive(bytes: Uint8Array): void {
    const reply = encoding.createEncoder();
    syncProtocol.readSyncMessage(decoding.createDecoder(bytes), reply, this.doc, 'server');
    if (encoding.length(reply) > 0) this.sendSync(encoding.toUint8Array(reply));
  }

  addKrate(id: string, fields: Record<string, unknown>): void {
    this.doc.transact(() => {
      const krate = new Y.Map<unknown>();
      this.doc.getMap('krates').set(id, krate);
      for (const [k, v] of Object.entries(fields)) krate.set(k, v);
    });
  }

  krates(): Record<string, unknown> {
    return this.doc.getMap('krates').toJSON();
  }
}

const podKrate = { type: 'object', cluster: 'demo', kind: 'pods', namespace: 'team-a', name: 'web-1', x: 10, y: 20, w: 300, h: 200, z: 1 };
const rooms: YardRoom[] = [];
function room(): YardRoom {
  const r = new YardRoom('team-a', limits);
  rooms.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(rooms.splice(0).map((r) => r.close()));
});

/** A document holding `count` krates k0, k1, … with `fields`. */
function yardWith(count: number, fields: Record<string, unknown> = podKrate): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (let i = 0; i < count; i++) {
      const krate = new Y.Map<unknown>();
      doc.getMap('krates').set(`k${i}`, krate);
      for (const [k, v] of Object.entries({ ...fields, name: `web-${i}` })) krate.set(k, v);
    }
  });
  return doc;
}

/** A room that loads `saved` as the yard's saved state (as another replica, or an earlier cap, left it). */
async function loadedRoom(saved: Y.Doc, roomLimits = limits): Promise<YardRoom> {
  const storage = new LocalYardStorage();
  await (await storage.open('team-a')).link.append(Y.encodeStateAsUpdate(saved));
  const r = new YardRoom('team-a', roomLimits);
  rooms.push(r);
  await r.load(storage, { deletable: false });
  return r;
}

describe('a yard room', () => {
  it('hands one person\'s change to everyone else in the yard', async () => {
    const r = room();
    const alice = new Browser(r, 'alice').join();
    const bob = new Browser(r, 'bob').join();
    alice.addKrate('k1', podKrate);
    expect(alice.errors).toEqual([]);
    await until(() => bob.krates().k1, { message: "bob to get alice's krate" });
    expect(bob.krates()).toEqual({ k1: podKrate });
    expect(r.doc.getMap('krates').toJSON()).toEqual({ k1: podKrate });
  });

  it('converges when two people move the same krate at once, and brings a late browser up to date', async () => {
    const r = room();
    const alice = new Browser(r, 'alice').join();
    alice.addKrate('k1', podKrate);
    // Bob made his change offline (his document had the krate already, then lost the connection).
    const bob = new Browser(r, 'bob');
    Y.applyUpdate(bob.doc, Y.encodeStateAsUpdate(alice.doc), 'server');
    (bob.doc.getMap('krates').get('k1') as Y.Map<unknown>).set('x', 500);
    (alice.doc.getMap('krates').get('k1') as Y.Map<unknown>).set('y', 700);
    (alice.doc.getMap('krates').get('k1') as Y.Map<unknown>).set('x', 42);
    bob.join();
    const carol = new Browser(r, 'carol').join();
    await until(() => JSON.stringify(bob.krates()) === JSON.stringify(alice.krates()) && (alice.krates().k1 as { x: number }).x === (bob.krates().k1 as { x: number }).x, { message: 'convergence' });
    expect(bob.krates()).toEqual(alice.krates());
    expect(carol.krates()).toEqual(alice.krates());
    expect((alice.krates().k1 as { y: number }).y).toBe(700);
  });

  it('refuses malformed updates, and the document and the others go on', async () => {
    const r = room();
    const alice = new Browser(r, 'alice').join();
    const bob = new Browser(r, 'bob').join();
    alice.addKrate('k1', podKrate);
    const garbage = encoding.createEncoder();
    syncProtocol.writeUpdate(garbage, new Uint8Array([1, 200, 7, 3, 3, 3, 99, 0, 1]));
    bob.sendSync(encoding.toUint8Array(garbage));
    bob.sendSync(new Uint8Array([77]));
    bob.sendSync(new Uint8Array([]));
    expect(bob.errors.map((e) => e.code)).toEqual([400, 400, 400]);
    alice.addKrate('k2', { ...podKrate, name: 'web-2' });
    expect(alice.errors).toEqual([]);
    await until(() => Object.keys(bob.krates()).length === 2, { message: 'both krates at bob' });
    expect(Object.keys(bob.krates()).sort()).toEqual(['k1', 'k2']);
  });

  it('checks every change: krate fields, clusters, root types, krate and size caps', () => {
    const r = room();
    // A refused change leaves a browser's document ahead of the yard's: the browser starts over from the yard's (a new one here).
    const attempts: Array<(b: Browser) => void> = [
      (b) => b.addKrate('bad1', { ...podKrate, cluster: 'nope' }),
      (b) => b.addKrate('bad2', { ...podKrate, x: 'left' }),
      (b) => b.addKrate('bad3', { ...podKrate, secret: 'hunter2' }),
      (b) => b.doc.getMap('krates').set('bad4', 'text'),
      (b) => b.doc.getText('notes').insert(0, 'hello'),
    ];
    const refusals = attempts.map((attempt, i) => {
      const browser = new Browser(r, `person-${i}`).join();
      attempt(browser);
      return browser.errors;
    });
    expect(refusals.map((errors) => errors.map((e) => e.code))).toEqual([[400], [400], [400], [400], [400]]);
    expect(refusals[0][0].message).toContain('cluster "nope" is not one this portal serves');
    expect(refusals[4][0].message).toContain('"notes" is not part of a yard');
    // A browser that goes on building on its refused change is told so.
    const stubborn = new Browser(r, 'stubborn').join();
    stubborn.addKrate('bad5', { ...podKrate, cluster: 'nope' });
    stubborn.addKrate('k9', podKrate);
    // (The yard then asks for what it lacks, which still holds the refused krate: refused again. A real browser starts over on a 400.)
    expect(stubborn.errors.map((e) => e.code).sort()).toEqual([400, 400, 409]);
    expect(r.doc.getMap('krates').has('k9')).toBe(false);
    expect(r.doc.getMap('krates').size).toBe(0);

    const fresh = new Browser(r, 'bob').join();
    for (let i = 0; i < 5; i++) fresh.addKrate(`k${i}`, { ...podKrate, name: `web-${i}` });
    fresh.addKrate('k5', { ...podKrate, name: 'web-5' });
    expect(fresh.errors.map((e) => e.code)).toEqual([413]);
    expect(r.doc.getMap('krates').size).toBe(5);

    // A field of a krate already in the yard, changed to something a krate may not hold: refused, the yard's krate as it was.
    const sly = new Browser(r, 'erin').join();
    (sly.doc.getMap('krates').get('k1') as Y.Map<unknown>).set('x', 'left');
    expect(sly.errors.map((e) => e.code)).toEqual([400]);
    expect(sly.errors[0].message).toContain('krate "k1"');
    expect((r.doc.getMap('krates').get('k1') as Y.Map<unknown>).get('x')).toBe(podKrate.x);

    // Hundreds of changes whose sizes add up past the cap, to a document that stays small: none refused.
    const busy = new Browser(r, 'fay').join();
    for (let i = 0; i < 400; i++) (busy.doc.getMap('krates').get('k2') as Y.Map<unknown>).set('title', `${i}`.padEnd(200, 'x'));
    expect(busy.errors).toEqual([]);
    expect((r.doc.getMap('krates').get('k2') as Y.Map<unknown>).get('title')).toBe('399'.padEnd(200, 'x'));

    const big = new Browser(r, 'dave').join();
    (big.doc.getMap('krates').get('k0') as Y.Map<unknown>).set('title', 'x'.repeat(200));
    expect(big.errors).toEqual([]);
    big.doc.getMap('layout').set('grid', 'x'.repeat(70_000) as unknown as number);
    expect(big.errors.map((e) => e.code)).toEqual([400]);
  });

  it('takes moves, resizes and removals in a yard over its krate cap, and refuses only a change that adds a krate', async () => {
    // Two replicas each took the last krate allowed at once: the yard holds 6 krates, its cap is 5.
    const r = await loadedRoom(yardWith(6));
    const alice = new Browser(r, 'alice').join();
    expect(Object.keys(alice.krates())).toHaveLength(6);
    const k1 = alice.doc.getMap('krates').get('k1') as Y.Map<unknown>;
    k1.set('x', 500);
    k1.set('w', 640);
    alice.doc.transact(() => {
      k1.set('z', 7);
      k1.set('minimised', true);
    });
    expect(alice.errors).toEqual([]);
    expect((r.doc.getMap('krates').get('k1') as Y.Map<unknown>).toJSON()).toEqual({ ...podKrate, name: 'web-1', x: 500, w: 640, z: 7, minimised: true });

    const adding = new Browser(r, 'bob').join();
    adding.addKrate('k6', podKrate);
    expect(adding.errors.map((e) => [e.code, e.message])).toEqual([[413, 'a yard holds at most 5 krates (this one has 6): remove one first']]);
    expect(r.doc.getMap('krates').size).toBe(6);

    alice.doc.getMap('krates').delete('k0');
    expect(alice.errors).toEqual([]);
    expect(r.doc.getMap('krates').size).toBe(5);
    // At the cap a new krate is still refused; once one more is removed, it is taken.
    const atCap = new Browser(r, 'carol').join();
    atCap.addKrate('k7', podKrate);
    expect(atCap.errors.map((e) => e.code)).toEqual([413]);
    alice.doc.getMap('krates').delete('k2');
    const room = new Browser(r, 'dave').join();
    room.addKrate('k8', podKrate);
    expect(room.errors).toEqual([]);
    expect(Object.keys(r.doc.getMap('krates').toJSON()).sort()).toEqual(['k1', 'k3', 'k4', 'k5', 'k8']);
  });

  it('takes moves and removals in a yard over its size cap, and refuses only a change that grows it', async () => {
    const saved = yardWith(8, { ...podKrate, title: 'x'.repeat(200) });
    // The cap was lowered (or two replicas grew the yard at once): it is over it by 100 bytes.
    const maxDocumentBytes = Y.encodeStateAsUpdate(saved).byteLength - 100;
    const r = await loadedRoom(saved, { ...limits, maxKrates: 100, maxDocumentBytes });
    const alice = new Browser(r, 'alice').join();
    const k1 = alice.doc.getMap('krates').get('k1') as Y.Map<unknown>;
    for (let i = 0; i < 20; i++) k1.set('x', i * 10);
    k1.set('h', 480);
    k1.set('z', 9);
    k1.set('minimised', true);
    expect(alice.errors).toEqual([]);
    expect((r.doc.getMap('krates').get('k1') as Y.Map<unknown>).toJSON()).toMatchObject({ x: 190, h: 480, z: 9, minimised: true });

    const retitling = new Browser(r, 'bob').join();
    (retitling.doc.getMap('krates').get('k2') as Y.Map<unknown>).set('title', 'y'.repeat(200));
    expect(retitling.errors.map((e) => e.code)).toEqual([413]);
    expect(retitling.errors[0].message).toMatch(new RegExp(`^the yard would grow to \\d+ bytes; at most ${maxDocumentBytes} are kept`));
    const adding = new Browser(r, 'carol').join();
    adding.addKrate('k9', podKrate);
    expect(adding.errors.map((e) => e.code)).toEqual([413]);
    expect(r.doc.getMap('krates').has('k9')).toBe(false);

    // Removing krates brings the yard back under its cap: then a new krate is taken.
    for (const id of ['k0', 'k3', 'k4']) alice.doc.getMap('krates').delete(id);
    expect(alice.errors).toEqual([]);
    const later = new Browser(r, 'dave').join();
    later.addKrate('k9', podKrate);
    expect(later.errors).toEqual([]);
    expect(Y.encodeStateAsUpdate(r.doc).byteLength).toBeLessThanOrEqual(maxDocumentBytes);
  });

  it('ends when its yard is deleted: its people are told, and nothing more is taken or saved', async () => {
    const storage = new LocalYardStorage();
    const r = new YardRoom('doomed', limits);
    rooms.push(r);
    await r.load(storage, { deletable: true });
    const alice = new Browser(r, 'alice').join();
    const bob = new Browser(r, 'bob').join();
    alice.addKrate('k1', podKrate);
    await r.end('carol deleted this yard.');
    expect(alice.closed).toEqual([{ code: 410, message: 'carol deleted this yard.' }]);
    expect(bob.closed).toEqual([{ code: 410, message: 'carol deleted this yard.' }]);
    expect(r.members.size).toBe(0);

    // A change, presence or a join that still arrives is refused.
    bob.addKrate('k2', podKrate);
    bob.awareness.setLocalState({ cursor: { x: 1, y: 2 } });
    bob.sendAwareness(awarenessProtocol.encodeAwarenessUpdate(bob.awareness, [bob.doc.clientID]));
    expect(bob.errors.map((e) => [e.code, e.message])).toEqual([
      [410, 'carol deleted this yard.'],
      [410, 'carol deleted this yard.'],
    ]);
    expect(() => new Browser(r, 'dave').join()).toThrow('carol deleted this yard.');
    const saved = new Y.Doc();
    for (const update of (await storage.open('doomed')).updates) Y.applyUpdate(saved, update);
    expect(Object.keys(saved.getMap('krates').toJSON())).toEqual(['k1']);
  });

  it('saves its whole copy again when Redis loses its data, but saves nothing for a yard nothing was written to', async () => {
    // A storage that records what is saved and lets the test say "Redis lost its data", as the fleet's does.
    const appended: Uint8Array[] = [];
    let listener: YardListener | undefined;
    const storage: YardStorage = new LocalYardStorage();
    const open = storage.open.bind(storage);
    storage.open = async (id: string, heard: YardListener, options: { deletable: boolean }) => {
      listener = heard;
      const opened = await open(id, heard, options);
      return { ...opened, lost: '2026-12-02T10:00:00.000Z', link: { ...opened.link, append: async (update: Uint8Array) => void appended.push(update) } };
    };
    const r = new YardRoom('lost', limits);
    rooms.push(r);
    await r.load(storage, { deletable: false });
    const alice = new Browser(r, 'alice').join();
    expect(alice.notices).toEqual([expect.stringMatching(/^This yard's saved layout was lost/)]);

    // Opened empty after the loss, then the loss noticed here: an empty change saved now would mark the yard as
    // saved again, and the next person to open it would not be told it was lost.
    listener?.resave('Redis lost its data');
    expect(appended).toEqual([]);
    expect(alice.notices).toHaveLength(1);

    alice.addKrate('k1', podKrate);
    await until(() => appended.length === 1, { message: 'the change saved' });
    listener?.resave('Redis lost its data');
    expect(appended).toHaveLength(2);
    const again = new Y.Doc();
    Y.applyUpdate(again, appended[1]);
    expect(again.getMap('krates').toJSON()).toEqual({ k1: podKrate });
    expect(alice.notices[1]).toMatch(/^The yard's saved copy was lost \(Redis lost its data\); the layout you see was saved again/);
  });

  it('asks a browser for a change it lost with a dropped connection, and takes it with the next one', async () => {
    const r = room();
    const alice = new Browser(r, 'alice').join();
    const bob = new Browser(r, 'bob').join();
    alice.addKrate('k1', podKrate);
    // Alice's next change is lost on the way (the connection dropped); her following one builds on it.
    alice.dropNext = true;
    (alice.doc.getMap('krates').get('k1') as Y.Map<unknown>).set('x', 500);
    (alice.doc.getMap('krates').get('k1') as Y.Map<unknown>).set('y', 600);
    expect(alice.errors.map((e) => e.code)).toEqual([409]);
    expect(r.doc.getMap('krates').toJSON()).toEqual({ k1: { ...podKrate, x: 500, y: 600 } });
    await until(() => (bob.krates().k1 as { y?: number } | undefined)?.y === 600, { message: 'the recovered change at bob' });
    expect(bob.krates()).toEqual({ k1: { ...podKrate, x: 500, y: 600 } });
  });

  it('lets viewers look but not change', () => {
    const r = room();
    const alice = new Browser(r, 'alice').join();
    alice.addKrate('k1', podKrate);
    const viewer = new Browser(r, 'bob', 'view').join();
    expect(viewer.errors).toEqual([]); // his answer to the server's sync carried nothing new
    expect(viewer.krates()).toEqual({ k1: podKrate });
    viewer.addKrate('k2', podKrate);
    expect(viewer.errors.map((e) => e.code)).toEqual([403]);
    expect(r.doc.getMap('krates').size).toBe(1);
  });

  it('limits how fast one person may change a yard', () => {
    const r = new YardRoom('fast', { ...limits, updatesPerSecond: 3 });
    rooms.push(r);
    const alice = new Browser(r, 'alice').join();
    alice.addKrate('k1', podKrate);
    const krate = alice.doc.getMap('krates').get('k1') as Y.Map<unknown>;
    for (let i = 0; i < 10; i++) krate.set('x', i);
    expect(alice.errors.some((e) => e.code === 429)).toBe(true);
  });

  it('shows each person under their own name, refuses a presence that claims another connection\'s id, and forgets who left', () => {
    const r = room();
    const alice = new Browser(r, 'alice').join();
    const bob = new Browser(r, 'bob').join();
    alice.awareness.setLocalState({ cursor: { x: 1, y: 2 }, user: { name: 'the boss' } });
    alice.sendAwareness(awarenessProtocol.encodeAwarenessUpdate(alice.awareness, [alice.doc.clientID]));
    expect(alice.errors).toEqual([]);
    const seen = bob.awareness.getStates().get(alice.doc.clientID) as { user: { name: string }; cursor: unknown };
    expect(seen.user.name).toBe('alice');
    expect(seen.cursor).toEqual({ x: 1, y: 2 });

    // Bob forges an update for alice's awareness id.
    const forged = new awarenessProtocol.Awareness(new Y.Doc());
    forged.clientID = alice.doc.clientID;
    forged.setLocalState({ cursor: { x: 999, y: 999 } });
    const forgedUpdate = awarenessProtocol.encodeAwarenessUpdate(forged, [alice.doc.clientID]);
    forged.destroy();
    bob.sendAwareness(forgedUpdate);
    expect(bob.errors.map((e) => e.code)).toEqual([403]);
    expect((r.awareness.getStates().get(alice.doc.clientID) as { cursor: unknown }).cursor).toEqual({ x: 1, y: 2 });
    bob.sendAwareness(new Uint8Array([5, 1]));
    expect(bob.errors.map((e) => e.code)).toEqual([403, 400]);

    r.leave(alice.member.id);
    expect(bob.awareness.getStates().has(alice.doc.clientID)).toBe(false);
  });
});

describe('yards kept in files', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('survive a restart of the portal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yards-'));
    dirs.push(dir);
    const first = new YardRoom('team-a', limits);
    await first.load(new LocalYardStorage(dir), { deletable: false });
    const alice = new Browser(first, 'alice').join();
    alice.addKrate('k1', podKrate);
    (alice.doc.getMap('krates').get('k1') as Y.Map<unknown>).set('x', 77);
    await first.close();

    const second = new YardRoom('team-a', limits);
    rooms.push(second);
    await second.load(new LocalYardStorage(dir), { deletable: false });
    expect(second.doc.getMap('krates').toJSON()).toEqual({ k1: { ...podKrate, x: 77 } });
  });
});

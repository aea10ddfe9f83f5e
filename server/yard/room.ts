import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Actor } from '../../lib/actor';
import { colourOf, krateSchema, layoutSchema, presenceSchema, YARD_ROOTS, type YardSummary } from '../../lib/yard/model';
import { describeIssues } from '../../lib/sockets/protocol';
import { RateLimiter } from '../http/rateLimiter';
import { log } from '../log';
import { YardError } from './catalog';
import { yardLabel, yardMetrics } from './metrics';
import type { YardLink, YardListener, YardStorage } from './storage';

/** One person's connection to a room (a socket). */
export interface Member {
  id: string;
  actor: Actor;
  access: YardSummary['access'];
  /** Sends a y-protocols sync message or an awareness update to this person's browser. */
  send(event: 'sync' | 'awareness', bytes: Uint8Array): void;
  notice(message: string): void;
  /** Tells this person the yard is gone for good (`closed` event) and ends their connection. */
  close(code: number, message: string): void;
}

export interface RoomLimits {
  maxDocumentBytes: number;
  maxKrates: number;
  updatesPerSecond: number;
  /** Whether a krate's cluster is one this portal serves. */
  clusterExists(name: string): boolean;
}

/** Origins of changes that did not come from one of this replica's people. */
const LOADED = Symbol('loaded');
const REMOTE = Symbol('remote');
/** A person who sends no presence for this long is taken as gone (browsers send it at least every 5 s). */
const PRESENCE_TIMEOUT_MS = 12_000;
/** Awareness ids one connection may hold (one per Yjs document in the tab). */
const IDS_PER_MEMBER = 4;
/** Under a stream of changes, the people here get them merged at most this often. */
const BATCH_MS = 25;
/** Changes between two compactions of the saved yard. */
const COMPACT_EVERY = 200;
/** Accepted changes between two exact measurements of the document's size. */
const MEASURE_EVERY = 100;
/** A krate's fields that only place it: changing them never makes a yard hold more. */
const PLACEMENT = new Set(['x', 'y', 'w', 'h', 'z', 'minimised']);

/** What one change did to a yard. */
interface Touched {
  /** The krates it added, removed or changed; null when it reached beyond the krates (then everything is checked). */
  krates: Set<string> | null;
  /** Whether it adds a krate or writes anything but where krates are (their place, size, order, minimised). */
  grows: boolean;
}

/**
 * One yard open on this replica: its Yjs document, the people here who have it
 * open, and their presence. Every change a person sends is tried first on a
 * shadow copy and checked (shape, limits, clusters); only a change that passes
 * reaches the document, the other people and the store. Presence is rewritten
 * with the signed-in person's identity, and a connection may only speak for
 * the awareness ids it introduced.
 */
export class YardRoom {
  readonly doc = new Y.Doc();
  private shadow = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly members = new Map<string, Member>();
  /** Awareness id → the member who introduced it (or REMOTE for another replica's person). */
  private readonly owners = new Map<number, string | typeof REMOTE>();
  private readonly rates: RateLimiter;
  private link: YardLink | undefined;
  private sinceCompaction = 0;
  private sweep: NodeJS.Timeout;
  /** Changes applied since the last broadcast, and where they came from. */
  private readonly pending: Uint8Array[] = [];
  private readonly pendingOrigins = new Set<unknown>();
  private flushScheduled = false;
  private lastFlush = 0;
  /** At least the document's encoded size (see `check`), and how many changes ago it was last measured. */
  private sizeBound = 0;
  private sinceMeasured = 0;
  /** Set once the room is closed or its yard deleted: why it takes nothing more. */
  private ended: YardError | null = null;
  /** When Redis was noticed to have lost the yard (it loaded empty), until the yard's first change. */
  private lostAt: string | null = null;

  constructor(
    readonly id: string,
    private readonly limits: RoomLimits,
  ) {
    this.awareness.setLocalState(null);
    this.rates = new RateLimiter(limits.updatesPerSecond, limits.updatesPerSecond * 2);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => this.onUpdate(update, origin));
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const changed = [...added, ...updated, ...removed];
      if (!changed.length) return;
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
      for (const member of this.members.values()) if (member.id !== origin) member.send('awareness', update);
      if (origin !== REMOTE) this.link?.shareAwareness(update);
      for (const id of removed) this.owners.delete(id);
    });
    this.sweep = setInterval(() => this.dropSilent(), 3000);
    this.sweep.unref();
  }

  /** Loads the saved yard and starts following the other replicas' changes. */
  async load(storage: YardStorage, options: { deletable: boolean }): Promise<void> {
    const listener: YardListener = {
      remote: (update) => this.applyTrusted(update, REMOTE),
      awareness: (update) => this.applyRemoteAwareness(update),
      resave: (lost) => {
        // Nothing ever written here (a new yard, or one opened after it was lost): there is nothing to save, and
        // saving an empty change would mark a lost yard as saved again, so the next person to open it elsewhere
        // would not be told it was lost.
        if (this.doc.store.clients.size === 0) return;
        // One change holding the whole document: other replicas merge it (Yjs ignores what they have).
        void this.link?.append(Y.encodeStateAsUpdate(this.doc));
        if (!lost) return;
        log.warn({ yard: this.id, reason: lost }, 'the saved yard was lost; this replica\'s copy is saved again');
        for (const member of this.members.values()) member.notice(`The yard's saved copy was lost (${lost}); the layout you see was saved again from this server's copy.`);
      },
    };
    const { updates, link, lost } = await storage.open(this.id, listener, options);
    if (this.ended) {
      await link.close();
      return;
    }
    if (lost) log.warn({ yard: this.id, lost }, 'Redis lost this yard while no replica had it open: it starts empty');
    this.lostAt = lost;
    for (const update of updates) {
      try {
        this.applyTrusted(update, LOADED);
      } catch (err) {
        log.error({ yard: this.id, err: (err as Error).message }, 'a saved change of the yard could not be read; it is skipped');
      }
    }
    this.link = link;
  }

  join(member: Member): void {
    if (this.ended) throw this.ended;
    this.members.set(member.id, member);
    yardMetrics.people.inc({ yard: yardLabel(this.id) });
    // Our state first (the browser answers with what it has that we lack), then everyone's presence.
    const step1 = encoding.createEncoder();
    syncProtocol.writeSyncStep1(step1, this.doc);
    member.send('sync', encoding.toUint8Array(step1));
    const step2 = encoding.createEncoder();
    syncProtocol.writeSyncStep2(step2, this.doc);
    member.send('sync', encoding.toUint8Array(step2));
    const present = [...this.awareness.getStates().keys()];
    if (present.length) member.send('awareness', awarenessProtocol.encodeAwarenessUpdate(this.awareness, present));
    if (this.lostAt) member.notice(`This yard's saved layout was lost: Redis lost its data (noticed at ${this.lostAt}) while no server had the yard open, so it starts empty.`);
  }

  leave(memberId: string): void {
    if (!this.members.delete(memberId)) return;
    yardMetrics.people.dec({ yard: yardLabel(this.id) });
    const ids = [...this.owners].filter(([, owner]) => owner === memberId).map(([id]) => id);
    if (ids.length) awarenessProtocol.removeAwarenessStates(this.awareness, ids, memberId);
  }

  /** A y-protocols sync message from a person's browser. Throws YardError when it is refused. */
  receiveSync(member: Member, message: Uint8Array): void {
    if (this.ended) throw this.ended;
    let type: number;
    let payload: Uint8Array;
    const decoder = decoding.createDecoder(message);
    try {
      type = decoding.readVarUint(decoder);
      if (type === syncProtocol.messageYjsSyncStep1) {
        const reply = encoding.createEncoder();
        syncProtocol.readSyncStep1(decoder, reply, this.doc);
        member.send('sync', encoding.toUint8Array(reply));
        return;
      }
      payload = decoding.readVarUint8Array(decoder);
    } catch {
      throw new YardError(400, 'malformed sync message');
    }
    if (type !== syncProtocol.messageYjsSyncStep2 && type !== syncProtocol.messageYjsUpdate) throw new YardError(400, `unknown sync message type ${type}`);
    this.receiveUpdate(member, payload);
  }

  private receiveUpdate(member: Member, update: Uint8Array): void {
    let decoded: ReturnType<typeof Y.decodeUpdate>;
    try {
      decoded = Y.decodeUpdate(update);
    } catch {
      throw new YardError(400, 'malformed Yjs update');
    }
    if (decoded.structs.length === 0 && decoded.ds.clients.size === 0) return; // nothing new (a sync answer from an up-to-date browser)
    if (member.access !== 'edit') throw new YardError(403, 'you may look at this yard but not change it');
    if (!this.rates.take(member.actor.name).allowed) throw new YardError(429, `too many changes: at most ${this.limits.updatesPerSecond} per second`);
    const problem = this.tryOnShadow(update, this.doc.getMap('krates').size);
    if (problem) {
      this.shadow = copyOf(this.doc);
      // A change that builds on one the yard lacks (lost with a dropped connection): the yard's state
      // vector goes back, and the browser answers with everything the yard is missing, in one change.
      if (problem.code === 409) {
        const step1 = encoding.createEncoder();
        syncProtocol.writeSyncStep1(step1, this.doc);
        member.send('sync', encoding.toUint8Array(step1));
      }
      throw problem;
    }
    Y.applyUpdate(this.doc, update, member.id);
    yardMetrics.updates.inc();
  }

  /** Applies `update` to the shadow copy and checks the result: null when the document would stay sound. */
  private tryOnShadow(update: Uint8Array, kratesBefore: number): YardError | null {
    const touched = this.touchedBy(this.shadow, () => Y.applyUpdate(this.shadow, update));
    if (touched instanceof Error) return new YardError(400, 'malformed Yjs update');
    const store = this.shadow.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
    if (store.pendingStructs || store.pendingDs) return new YardError(409, 'this change builds on a change the yard does not have: send what the yard lacks (its state vector follows)');
    return this.check(this.shadow, touched, update.byteLength, kratesBefore);
  }

  /**
   * Runs `apply` on `doc` and says what it changed: the krates added, removed or whose fields changed (null
   * when it reached anything else: the layout, another root, something nested deeper, which is then checked
   * whole), and whether it may make the yard hold more (anything but placing or removing krates).
   */
  private touchedBy(doc: Y.Doc, apply: () => void): Touched | Error {
    const krates = doc.getMap('krates');
    const root: unknown = krates;
    const ids = new Set<string>();
    let whole = false;
    let grows = false;
    const seen = (tr: Y.Transaction) => {
      for (const [type, keys] of tr.changed) {
        const item = (type as unknown as { _item: { parent: unknown; parentSub: string | null } | null })._item;
        if (type === root) {
          for (const key of keys) {
            if (key === null) whole = true;
            else {
              ids.add(key);
              // A krate added (or replaced by a new one); a removed one leaves less.
              if (krates.has(key)) grows = true;
            }
          }
        } else if (item && item.parent === root && typeof item.parentSub === 'string') {
          ids.add(item.parentSub);
          for (const key of keys) if (key === null || !PLACEMENT.has(key)) grows = true;
        } else whole = true;
      }
    };
    doc.on('afterTransaction', seen);
    try {
      apply();
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    } finally {
      doc.off('afterTransaction', seen);
    }
    return whole ? { krates: null, grows: true } : { krates: ids, grows };
  }

  /**
   * Checks the document after a change: its roots, the krates the change touched (all of them when it is not
   * known which), the layout, and its caps. The size is an upper bound kept as changes are added (a document
   * encodes in no more than the changes that made it), measured exactly only when the bound nears the limit
   * and every so many changes.
   *
   * A cap refuses only a change that makes the yard hold more: a yard can be over a cap without anyone here
   * passing it (two replicas each took the last krate allowed at once, or the cap was lowered), and its people
   * can still move, resize, restack, minimise and remove krates, which brings it back under.
   */
  private check(doc: Y.Doc, touched: Touched, addedBytes: number, kratesBefore: number): YardError | null {
    for (const [name, type] of doc.share) {
      if (!(name in YARD_ROOTS)) return new YardError(400, `"${name}" is not part of a yard (only ${Object.keys(YARD_ROOTS).join(', ')})`);
      if ((type as unknown as { _start: unknown })._start !== null) return new YardError(400, `"${name}" must be a map`);
    }
    const krates = doc.getMap('krates');
    if (krates.size > this.limits.maxKrates && krates.size > kratesBefore) return new YardError(413, `a yard holds at most ${this.limits.maxKrates} krates (this one has ${kratesBefore}): remove one first`);
    const ids = touched.krates ?? krates.keys();
    for (const id of ids) {
      const value = krates.get(id);
      if (value === undefined) continue; // removed
      if (!(value instanceof Y.Map)) return new YardError(400, `krate "${id}" must be a map of fields`);
      const parsed = krateSchema.safeParse(value.toJSON());
      if (!parsed.success) return new YardError(400, `krate "${id}": ${describeIssues(parsed.error)}`);
      if (!this.limits.clusterExists(parsed.data.cluster)) return new YardError(400, `krate "${id}": cluster "${parsed.data.cluster}" is not one this portal serves`);
    }
    if (!touched.krates) {
      const layout = layoutSchema.safeParse(doc.getMap('layout').toJSON());
      if (!layout.success) return new YardError(400, `layout: ${describeIssues(layout.error)}`);
    }
    let bound = this.sizeBound + addedBytes;
    if ((touched.grows && bound > this.limits.maxDocumentBytes) || this.sinceMeasured >= MEASURE_EVERY) {
      bound = Y.encodeStateAsUpdate(doc).byteLength;
      this.sinceMeasured = 0;
      if (touched.grows && bound > this.limits.maxDocumentBytes) {
        return new YardError(413, `the yard would grow to ${bound} bytes; at most ${this.limits.maxDocumentBytes} are kept: remove krates first`);
      }
    }
    this.sinceMeasured++;
    this.sizeBound = bound;
    return null;
  }

  /** Changes from the store or another replica: already checked where they were made. */
  private applyTrusted(update: Uint8Array, origin: typeof LOADED | typeof REMOTE): void {
    Y.applyUpdate(this.shadow, update);
    Y.applyUpdate(this.doc, update, origin);
    this.sizeBound += update.byteLength;
  }

  private onUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === LOADED) return;
    this.lostAt = null;
    if (origin !== REMOTE) {
      void this.link?.append(update);
      if (++this.sinceCompaction >= COMPACT_EVERY) this.compact();
    }
    this.pending.push(update);
    this.pendingOrigins.add(origin);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Sparse changes go out at the end of this turn of the event loop; under a stream of them, at most
    // every BATCH_MS, merged into one message: each person gets a few messages a second, not one per change.
    if (performance.now() - this.lastFlush < BATCH_MS) setTimeout(() => this.flush(), BATCH_MS);
    else setImmediate(() => this.flush());
  }

  /** Sends the changes gathered since the last flush to everyone here, as one update. */
  private flush(): void {
    this.flushScheduled = false;
    this.lastFlush = performance.now();
    const updates = this.pending.splice(0);
    const origins = [...this.pendingOrigins];
    this.pendingOrigins.clear();
    if (!updates.length) return;
    const message = encoding.createEncoder();
    syncProtocol.writeUpdate(message, updates.length === 1 ? updates[0] : Y.mergeUpdates(updates));
    const bytes = encoding.toUint8Array(message);
    // The one person whose changes these all are has them already.
    const only = origins.length === 1 ? origins[0] : undefined;
    for (const member of this.members.values()) if (member.id !== only) member.send('sync', bytes);
  }

  compact(): void {
    this.sinceCompaction = 0;
    void this.link?.compact(Y.encodeStateAsUpdate(this.doc));
  }

  /**
   * Presence from a person's browser. Refused whole when it speaks for an
   * awareness id another connection introduced, or carries more than presence.
   */
  receiveAwareness(member: Member, update: Uint8Array): void {
    if (this.ended) throw this.ended;
    let entries: Array<{ clientId: number; clock: number; state: unknown }>;
    try {
      entries = readAwareness(update);
    } catch {
      throw new YardError(400, 'malformed awareness update');
    }
    const mine = [...this.owners].filter(([, owner]) => owner === member.id).length;
    let fresh = 0;
    for (const { clientId, state } of entries) {
      const owner = this.owners.get(clientId);
      if (owner === undefined) fresh++;
      else if (owner !== member.id) throw new YardError(403, `awareness id ${clientId} belongs to another connection`);
      if (state !== null) {
        const parsed = presenceSchema.safeParse(state);
        if (!parsed.success) throw new YardError(400, `presence: ${describeIssues(parsed.error)}`);
      }
    }
    if (mine + fresh > IDS_PER_MEMBER) throw new YardError(400, `one connection may hold at most ${IDS_PER_MEMBER} awareness ids`);
    const user = { userId: member.actor.name, name: member.actor.name, colour: colourOf(member.actor.name) };
    for (const entry of entries) {
      this.owners.set(entry.clientId, member.id);
      if (entry.state !== null) entry.state = { ...(entry.state as object), user, timestamp: Date.now() };
    }
    awarenessProtocol.applyAwarenessUpdate(this.awareness, writeAwareness(entries), member.id);
  }

  private applyRemoteAwareness(update: Uint8Array): void {
    try {
      for (const { clientId } of readAwareness(update)) if (!this.owners.has(clientId)) this.owners.set(clientId, REMOTE);
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
    } catch (err) {
      log.warn({ yard: this.id, err: (err as Error).message }, 'presence from another replica could not be read');
    }
  }

  /** People whose browser went quiet (a replica that died took their goodbyes with it). */
  private dropSilent(): void {
    const now = Date.now();
    const silent = [...this.awareness.meta].filter(([id, meta]) => this.awareness.states.has(id) && now - meta.lastUpdated > PRESENCE_TIMEOUT_MS).map(([id]) => id);
    if (silent.length) awarenessProtocol.removeAwarenessStates(this.awareness, silent, 'timeout');
  }

  /** Saves the yard whole and stops following it. */
  async close(): Promise<void> {
    if (this.ended) return;
    this.compact();
    await this.stop(new YardError(503, 'this yard was closed on this server; open it again'));
  }

  /**
   * The yard was deleted (here or on another replica): its people here are told and let go, and nothing of it
   * is saved again; a change or a join that still arrives is refused (410).
   */
  async end(message: string): Promise<void> {
    if (this.ended) return;
    const link = this.link;
    this.link = undefined;
    const members = [...this.members.values()];
    for (const member of members) this.leave(member.id);
    for (const member of members) member.close(410, message);
    await this.stop(new YardError(410, message), link);
  }

  private async stop(reason: YardError, link = this.link): Promise<void> {
    this.ended = reason;
    clearInterval(this.sweep);
    this.awareness.destroy();
    await link?.close();
    this.doc.destroy();
    this.shadow.destroy();
  }
}

function copyOf(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

/** The entries of an awareness update (y-protocols' wire format: count, then id, clock and JSON state each). */
function readAwareness(update: Uint8Array): Array<{ clientId: number; clock: number; state: unknown }> {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > 64) throw new Error('too many entries');
  const entries = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const text = decoding.readVarString(decoder);
    if (text.length > 4096) throw new Error('state too large');
    entries.push({ clientId, clock, state: JSON.parse(text) as unknown });
  }
  if (decoding.hasContent(decoder)) throw new Error('trailing bytes');
  return entries;
}

function writeAwareness(entries: Array<{ clientId: number; clock: number; state: unknown }>): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, JSON.stringify(state));
  }
  return encoding.toUint8Array(encoder);
}

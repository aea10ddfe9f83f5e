import type { Actor } from '../../lib/actor';
import type { YardSummary } from '../../lib/yard/model';
import { log } from '../log';
import { YardCatalog } from './catalog';
import { yardMetrics } from './metrics';
import { YardRoom, type Member } from './room';
import type { YardStorage } from './storage';
import type { YardConfig } from './yardConfig';

/** A yard nobody here has open is kept this long before it is saved and closed (a reload does not reload it). */
const LINGER_MS = 10_000;

/**
 * The yards of this replica: which exist and who may use them (the catalog),
 * and the rooms open here, each loaded from storage on its first visitor and
 * closed a little after its last one left. Creating, renaming and deleting
 * yards are audited.
 */
export class Yards {
  readonly catalog: YardCatalog;
  private readonly rooms = new Map<string, { room: Promise<YardRoom>; idle?: NodeJS.Timeout }>();
  /** Events being handled (waited for on drain, so a change that arrived is saved). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly config: YardConfig,
    readonly storage: YardStorage,
    private readonly clusterExists: (name: string) => boolean,
  ) {
    this.catalog = new YardCatalog(config.yards, storage.catalog, config.adminGroups);
  }

  /** Puts `member` in the yard's room, loading it first when nobody here has it open. */
  async enter(yard: YardSummary, member: Member): Promise<YardRoom> {
    let entry = this.rooms.get(yard.id);
    if (!entry) {
      const room = new YardRoom(yard.id, {
        maxDocumentBytes: this.config.maxDocumentBytes,
        maxKrates: this.config.maxKrates,
        updatesPerSecond: this.config.updatesPerSecond,
        clusterExists: this.clusterExists,
      });
      entry = { room: room.load(this.storage).then(() => room) };
      this.rooms.set(yard.id, entry);
      yardMetrics.open.inc();
      entry.room.catch((err: Error) => {
        log.error({ yard: yard.id, err: err.message }, 'a yard could not be loaded');
        this.rooms.delete(yard.id);
        yardMetrics.open.dec();
      });
    }
    clearTimeout(entry.idle);
    entry.idle = undefined;
    const room = await entry.room;
    room.join(member);
    return room;
  }

  leave(room: YardRoom, memberId: string): void {
    room.leave(memberId);
    const entry = this.rooms.get(room.id);
    if (!entry || room.members.size > 0) return;
    clearTimeout(entry.idle);
    entry.idle = setTimeout(() => {
      if (room.members.size > 0 || this.rooms.get(room.id) !== entry) return;
      this.rooms.delete(room.id);
      yardMetrics.open.dec();
      void room.close();
    }, LINGER_MS);
    entry.idle.unref();
  }

  async create(actor: Actor, input: { id: string; title: string; editGroups: string[]; viewGroups: string[] }): Promise<YardSummary> {
    const yard = await this.catalog.create(actor, input);
    audit(actor, 'yard created', { yard: yard.id, title: yard.title, editGroups: yard.editGroups, viewGroups: yard.viewGroups });
    return yard;
  }

  async rename(actor: Actor, id: string, title: string): Promise<YardSummary> {
    const yard = await this.catalog.rename(actor, id, title);
    audit(actor, 'yard renamed', { yard: id, title });
    return yard;
  }

  /** Deletes the yard and its document; its people here are told and let go. */
  async remove(actor: Actor, id: string): Promise<YardSummary> {
    const yard = await this.catalog.remove(actor, id);
    const entry = this.rooms.get(id);
    if (entry) {
      this.rooms.delete(id);
      yardMetrics.open.dec();
      const room = await entry.room.catch(() => undefined);
      for (const member of room?.members.values() ?? []) member.notice(`${actor.name} deleted this yard.`);
      await room?.close();
    }
    await this.storage.erase(id);
    audit(actor, 'yard deleted', { yard: id, title: yard.title });
    return yard;
  }

  /** Holds the drain until `work` ends. */
  track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Saves every open yard (on drain), after the events already received. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    const rooms = [...this.rooms.values()];
    this.rooms.clear();
    await Promise.all(rooms.map(async ({ room, idle }) => {
      clearTimeout(idle);
      await (await room.catch(() => undefined))?.close();
    }));
  }
}

function audit(actor: Actor, what: string, detail: Record<string, unknown>): void {
  log.info({ audit: true, actor: actor.name, ...detail }, what);
}

import type { Actor } from '../../lib/actor';
import type { YardSummary } from '../../lib/yard/model';
import { log } from '../log';
import { YardCatalog, YardError } from './catalog';
import { yardMetrics } from './metrics';
import { YardRoom, type Member } from './room';
import type { YardStorage } from './storage';
import type { YardConfig } from './yardConfig';

/** A yard nobody here has open is kept this long before it is saved and closed (a reload does not reload it). */
const LINGER_MS = 10_000;

/** A room open here: the room, whether it has loaded, and the timer that closes it once nobody is in it. */
interface RoomEntry {
  room: YardRoom;
  loaded: Promise<YardRoom>;
  idle?: NodeJS.Timeout;
}

/**
 * The yards of this replica: which exist and who may use them (the catalog),
 * and the rooms open here, each loaded from storage on its first visitor and
 * closed a little after its last one left. A yard deleted anywhere in the
 * fleet is closed here too. Creating, renaming and deleting yards are audited.
 */
export class Yards {
  readonly catalog: YardCatalog;
  private readonly rooms = new Map<string, RoomEntry>();
  /** Events being handled (waited for on drain, so a change that arrived is saved). */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly config: YardConfig,
    readonly storage: YardStorage,
    private readonly clusterExists: (name: string) => boolean,
  ) {
    this.catalog = new YardCatalog(config.yards, storage.catalog, config.adminGroups);
    storage.onDeleted((id, by) => void this.forget(id, by ? `${by} deleted this yard.` : 'This yard was deleted.'));
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
      const loading: RoomEntry = { room, loaded: room.load(this.storage, { deletable: this.catalog.deletable(yard.id) }).then(() => room) };
      entry = loading;
      this.rooms.set(yard.id, entry);
      yardMetrics.open.inc();
      entry.loaded.catch((err: Error) => {
        if (!(err instanceof YardError)) log.error({ yard: yard.id, err: err.message }, 'a yard could not be loaded');
        if (this.rooms.get(yard.id) !== loading) return;
        this.rooms.delete(yard.id);
        yardMetrics.open.dec();
      });
    }
    clearTimeout(entry.idle);
    entry.idle = undefined;
    const room = await entry.loaded;
    room.join(member);
    return room;
  }

  leave(room: YardRoom, memberId: string): void {
    room.leave(memberId);
    const entry = this.rooms.get(room.id);
    // (A room closed because its yard was deleted is no longer the entry, whatever was opened since under its id.)
    if (!entry || entry.room !== room || room.members.size > 0) return;
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
    // A new yard starts empty, whatever a deleted yard of the same id left behind.
    const yard = await this.catalog.create(actor, input, () => this.storage.prepare(input.id));
    audit(actor, 'yard created', { yard: yard.id, title: yard.title, editGroups: yard.editGroups, viewGroups: yard.viewGroups });
    return yard;
  }

  async rename(actor: Actor, id: string, title: string): Promise<YardSummary> {
    const yard = await this.catalog.rename(actor, id, title);
    audit(actor, 'yard renamed', { yard: id, title });
    return yard;
  }

  /**
   * Deletes the yard and its document. Its people, here and on every other replica, are told and let go;
   * what a replica that has not heard yet would still save of it is refused.
   */
  async remove(actor: Actor, id: string): Promise<YardSummary> {
    const yard = await this.catalog.remove(actor, id);
    await this.forget(id, `${actor.name} deleted this yard.`);
    await this.storage.erase(id, actor.name);
    audit(actor, 'yard deleted', { yard: id, title: yard.title });
    return yard;
  }

  /** Closes a deleted yard's room here, if it is open: its people get `message` (410), and nothing of it is saved. */
  private async forget(id: string, message: string): Promise<void> {
    const entry = this.rooms.get(id);
    if (!entry) return;
    this.rooms.delete(id);
    clearTimeout(entry.idle);
    yardMetrics.open.dec();
    log.info({ yard: id }, 'a deleted yard was closed on this replica');
    await entry.room.end(message);
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
    await Promise.all(rooms.map(async ({ room, loaded, idle }) => {
      clearTimeout(idle);
      if (await loaded.then(() => true, () => false)) await room.close();
    }));
  }
}

function audit(actor: Actor, what: string, detail: Record<string, unknown>): void {
  log.info({ audit: true, actor: actor.name, ...detail }, what);
}

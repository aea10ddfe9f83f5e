import type { Actor } from '../../lib/actor';
import { HttpError } from '../http/errors';
import type { YardAccess, YardSummary } from '../../lib/yard/model';
import type { ConfiguredYard } from './yardConfig';

/** A yard made by a person at run time (or a settings yard's new title). */
export interface StoredYard {
  id: string;
  title: string;
  editGroups: string[];
  viewGroups: string[];
  createdBy: string;
  createdAt: string;
}

/** Where the yards made at run time are listed (Redis in a fleet, else memory and a file). */
export interface YardCatalogStore {
  list(): Promise<StoredYard[]>;
  put(yard: StoredYard): Promise<void>;
  remove(id: string): Promise<void>;
}

/** A refusal with its status; an HttpError, so route handlers (bundled apart from the server) answer it as such. */
export class YardError extends HttpError {
  get code(): number {
    return this.status;
  }
}

/** The id of a person's own yard: `~` and their name in base64url, so any name fits a URL. */
export function personalYardId(person: string): string {
  return `~${Buffer.from(person).toString('base64url')}`;
}

const intersects = (a: string[], b: string[]) => a.some((g) => b.includes(g));

/**
 * Which yards exist and who may do what in each: team yards from the settings,
 * yards people made, and every person's own yard. Groups decide; the admin
 * groups may do everything.
 */
export class YardCatalog {
  constructor(
    private readonly configured: ConfiguredYard[],
    private readonly store: YardCatalogStore,
    private readonly adminGroups: string[],
  ) {}

  /** Every yard `actor` may open, their own first. */
  async list(actor: Actor): Promise<YardSummary[]> {
    const all = await this.all();
    const mine = this.personal(actor);
    const open = [...all.values()].flatMap((y) => {
      const access = this.accessTo(y, actor);
      return access ? [{ ...y, personal: false, access }] : [];
    });
    open.sort((a, b) => a.title.localeCompare(b.title));
    return [mine, ...open];
  }

  /** The yard as `actor` may use it: 404 when it does not exist, 403 when they may not open it. */
  async resolve(id: string, actor: Actor): Promise<YardSummary> {
    if (id.startsWith('~')) {
      const mine = this.personal(actor);
      if (id !== mine.id) throw new YardError(403, 'this is another person\'s own yard: only they may open it');
      return mine;
    }
    const yard = (await this.all()).get(id);
    if (!yard) throw new YardError(404, `yard "${id}" does not exist`);
    const access = this.accessTo(yard, actor);
    if (!access) throw new YardError(403, `you are in none of the groups that may open yard "${yard.title}" (${[...yard.editGroups, ...yard.viewGroups].join(', ')})`);
    return { ...yard, personal: false, access };
  }

  /**
   * A new team yard, changed by `editGroups`: a person may only make yards for groups they are in (admins for
   * any). `prepare` runs once it is allowed, before the yard is listed (it readies the yard's storage).
   */
  async create(actor: Actor, input: { id: string; title: string; editGroups: string[]; viewGroups: string[] }, prepare: () => Promise<void>): Promise<YardSummary> {
    if (input.id.startsWith('~')) throw new YardError(400, 'a yard id may not start with "~" (those are people\'s own yards)');
    if (!this.isAdmin(actor)) {
      const outside = input.editGroups.filter((g) => !actor.groups.includes(g));
      if (outside.length) throw new YardError(403, `you may only make yards for groups you are in; you are not in ${outside.join(', ')}`);
    }
    if ((await this.all()).has(input.id)) throw new YardError(409, `yard "${input.id}" already exists`);
    const stored: StoredYard = { ...input, createdBy: actor.name, createdAt: new Date().toISOString() };
    await prepare();
    await this.store.put(stored);
    return { id: stored.id, title: stored.title, editGroups: stored.editGroups, viewGroups: stored.viewGroups, personal: false, access: 'edit' };
  }

  async rename(actor: Actor, id: string, title: string): Promise<YardSummary> {
    const yard = await this.resolve(id, actor);
    if (yard.personal) throw new YardError(400, 'your own yard keeps its name');
    if (yard.access !== 'edit') throw new YardError(403, `you may look at yard "${yard.title}" but not change it`);
    const stored = (await this.store.list()).find((y) => y.id === id);
    await this.store.put({ id, title, editGroups: yard.editGroups, viewGroups: yard.viewGroups, createdBy: stored?.createdBy ?? 'settings', createdAt: stored?.createdAt ?? new Date().toISOString() });
    return { ...yard, title };
  }

  /** Deletes a yard made at run time (its maker or an admin); yards from the settings stay. */
  async remove(actor: Actor, id: string): Promise<YardSummary> {
    const yard = await this.resolve(id, actor);
    if (yard.personal) throw new YardError(400, 'your own yard cannot be deleted; remove its krates instead');
    if (!this.deletable(id)) throw new YardError(409, `yard "${id}" comes from the portal's settings (CROWSNEST_YARDS) and cannot be deleted here`);
    const stored = (await this.store.list()).find((y) => y.id === id);
    if (!this.isAdmin(actor) && stored?.createdBy !== actor.name) throw new YardError(403, `only the person who made yard "${yard.title}" (${stored?.createdBy}) or an admin may delete it`);
    await this.store.remove(id);
    return yard;
  }

  /** Whether a yard can ever be deleted: not a person's own, nor one from the settings. */
  deletable(id: string): boolean {
    return !id.startsWith('~') && !this.configured.some((y) => y.id === id);
  }

  private personal(actor: Actor): YardSummary {
    return { id: personalYardId(actor.name), title: 'My yard', personal: true, access: 'edit', editGroups: [], viewGroups: [] };
  }

  private isAdmin(actor: Actor): boolean {
    return intersects(actor.groups, this.adminGroups);
  }

  private accessTo(yard: { editGroups: string[]; viewGroups: string[] }, actor: Actor): YardAccess | null {
    if (this.isAdmin(actor) || intersects(actor.groups, yard.editGroups)) return 'edit';
    if (intersects(actor.groups, yard.viewGroups)) return 'view';
    return null;
  }

  private async all(): Promise<Map<string, { id: string; title: string; editGroups: string[]; viewGroups: string[] }>> {
    const yards = new Map(this.configured.map((y) => [y.id, { id: y.id, title: y.id, editGroups: y.editGroups, viewGroups: y.viewGroups }]));
    for (const stored of await this.store.list()) {
      const configured = yards.get(stored.id);
      // A settings yard keeps the groups of the settings; only its title can change.
      yards.set(stored.id, configured ? { ...configured, title: stored.title } : stored);
    }
    return yards;
  }
}

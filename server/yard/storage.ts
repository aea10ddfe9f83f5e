import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { log } from '../log';
import type { StoredYard, YardCatalogStore } from './catalog';

/** What a replica hears about an open yard from the rest of the fleet. */
export interface YardListener {
  /** A change made on another replica. */
  remote(update: Uint8Array): void;
  /** Presence from people on another replica. */
  awareness(update: Uint8Array): void;
  /**
   * The saved yard is behind this replica's copy: Redis lost its data (`lost`
   * says how) or was unreachable while people made changes here. The replica
   * saves its whole copy again.
   */
  resave(lost: string | null): void;
}

/** An open yard's link to where it is kept. */
export interface YardLink {
  /**
   * Saves a change made on this replica (and hands it to the other replicas); resolves once it is saved, or
   * refused because the yard was deleted meanwhile (then `onDeleted` hears of it).
   */
  append(update: Uint8Array): Promise<void>;
  /** The whole document, to replace the changes saved so far (compaction); never written for a deleted yard. */
  compact(state: Uint8Array): Promise<void>;
  /** Presence of this replica's people, for the other replicas. */
  shareAwareness(update: Uint8Array): void;
  close(): Promise<void>;
}

export interface OpenedYard {
  updates: Uint8Array[];
  link: YardLink;
  /** When the yard's saved document was noticed lost (ISO time), or null. */
  lost: string | null;
}

export interface YardStorage {
  /** `redis`, `file` or `memory`: how long yards live. */
  readonly kind: string;
  readonly catalog: YardCatalogStore;
  /**
   * The yard's saved changes (to apply in order), a link that keeps it current until closed, and, when the
   * saved yard was lost (Redis lost its data while no replica had it open, so it comes back empty), when that
   * was noticed. Throws a YardError (410) when the yard was deleted meanwhile; a yard that cannot be deleted
   * (`deletable: false`: a settings yard, a person's own) is never taken for one.
   */
  open(id: string, listener: YardListener, options: { deletable: boolean }): Promise<OpenedYard>;
  /** Readies the place of a yard being made: whatever an earlier yard of the same id left there is dropped. */
  prepare(id: string): Promise<void>;
  /**
   * Forgets a deleted yard's document, refuses whatever its copies still open elsewhere would save, and tells
   * the other replicas (their `onDeleted`). The caller closes the yard on this replica itself.
   */
  erase(id: string, by: string): Promise<void>;
  /** Hears of a yard deleted on another replica (`by` whom, when known), or found deleted when saving a change. */
  onDeleted(listener: (id: string, by: string | null) => void): void;
}

/**
 * One replica without Redis: yards in memory, and, with a data directory, in
 * files there (written a moment after each change, replaced atomically), so
 * they survive a restart.
 */
export class LocalYardStorage implements YardStorage {
  readonly kind: string;
  private readonly states = new Map<string, Uint8Array>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly yards = new Map<string, StoredYard>();
  readonly catalog: YardCatalogStore;

  constructor(private readonly dir?: string) {
    this.kind = dir ? 'file' : 'memory';
    if (dir) {
      mkdirSync(join(dir, 'yards'), { recursive: true });
      try {
        for (const yard of JSON.parse(readFileSync(join(dir, 'yards.json'), 'utf8')) as StoredYard[]) this.yards.set(yard.id, yard);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: (err as Error).message }, 'the yards list could not be read; starting with the settings\' yards only');
      }
    }
    this.catalog = {
      list: async () => [...this.yards.values()],
      put: async (yard) => {
        this.yards.set(yard.id, yard);
        this.writeCatalog();
      },
      remove: async (id) => {
        this.yards.delete(id);
        this.writeCatalog();
      },
    };
  }

  async open(id: string): Promise<OpenedYard> {
    const state = this.states.get(id) ?? this.readFile(id);
    return {
      updates: state ? [state] : [],
      lost: null,
      link: {
        append: async (update) => {
          const current = this.states.get(id) ?? this.readFile(id);
          this.states.set(id, current ? Y.mergeUpdates([current, update]) : update);
          this.scheduleWrite(id);
        },
        compact: async (whole) => {
          this.states.set(id, whole);
          this.scheduleWrite(id);
        },
        shareAwareness: () => undefined,
        close: async () => this.flush(id),
      },
    };
  }

  onDeleted(): void {
    // One replica: every deletion is made here, and its room closed by the caller.
  }

  async prepare(id: string): Promise<void> {
    await this.erase(id);
  }

  async erase(id: string): Promise<void> {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.states.delete(id);
    if (this.dir) rmSync(this.file(id), { force: true });
  }

  private file(id: string): string {
    return join(this.dir!, 'yards', `${Buffer.from(id).toString('base64url')}.yjs`);
  }

  private readFile(id: string): Uint8Array | undefined {
    if (!this.dir) return undefined;
    try {
      const state = new Uint8Array(readFileSync(this.file(id)));
      this.states.set(id, state);
      return state;
    } catch {
      return undefined;
    }
  }

  private scheduleWrite(id: string): void {
    if (!this.dir || this.timers.has(id)) return;
    this.timers.set(
      id,
      setTimeout(() => this.flush(id), 500),
    );
  }

  private flush(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    const state = this.states.get(id);
    if (!this.dir || !state) return;
    writeAtomically(this.file(id), state);
  }

  private writeCatalog(): void {
    if (this.dir) writeAtomically(join(this.dir, 'yards.json'), Buffer.from(JSON.stringify([...this.yards.values()], null, 2)));
  }
}

function writeAtomically(path: string, data: Uint8Array): void {
  try {
    writeFileSync(`${path}.tmp`, data);
    renameSync(`${path}.tmp`, path);
  } catch (err) {
    log.error({ err: (err as Error).message, path }, 'a yard could not be saved');
  }
}

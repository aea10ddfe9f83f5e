import type { OnlineRow, Viewer } from '../../lib/presence';
import { colourOf } from '../../lib/yard/model';
import { log } from '../log';

interface Entry {
  name: string;
  path: string;
  since: string;
}

/** How a fleet's replicas tell each other who is on their pages (Redis PUBLISH), when there is a fleet. */
export interface PresenceShare {
  publish(message: string): Promise<unknown>;
  subscribe(listener: (message: string) => void): Promise<unknown>;
}

/** Every replica says who is on its pages this often, and is forgotten after three silent rounds. */
const ANNOUNCE_MS = 5000;
const FORGET_MS = 15_000;

/**
 * Who is on which page, on this replica (its `/presence` connections) and, in
 * a fleet, on the others (each announces its own list on change and every
 * 5 s; a replica that falls silent is forgotten). Listeners hear which pages'
 * viewers changed.
 */
export class PresenceHub {
  private readonly local = new Map<string, Entry>();
  private readonly remote = new Map<string, { at: number; entries: Entry[] }>();
  private readonly listeners = new Set<(paths: Set<string>) => void>();
  private announceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly replicaId: string,
    signal: AbortSignal,
    private readonly share?: PresenceShare,
  ) {
    if (!share) return;
    void share
      .subscribe((message) => this.onAnnouncement(message))
      .catch((err: Error) => log.warn({ err: err.message }, 'presence from other replicas is not heard'));
    const beat = setInterval(() => {
      this.announce();
      this.forgetSilent();
    }, ANNOUNCE_MS);
    beat.unref();
    signal.addEventListener('abort', () => clearInterval(beat), { once: true });
  }

  onChange(listener: (paths: Set<string>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `connection` (a tab) of `name` is now on `path`. */
  view(connection: string, name: string, path: string): void {
    const before = this.local.get(connection);
    if (before?.path === path) return;
    this.local.set(connection, { name, path, since: new Date().toISOString() });
    this.changed(new Set([path, ...(before ? [before.path] : [])]));
  }

  leave(connection: string): void {
    const before = this.local.get(connection);
    if (!before) return;
    this.local.delete(connection);
    this.changed(new Set([before.path]));
  }

  /** The people on `path`, each once, in name order. */
  viewers(path: string): Viewer[] {
    const names = new Set<string>();
    for (const entry of this.entries()) if (entry.path === path) names.add(entry.name);
    return [...names].sort().map((name) => ({ name, color: colourOf(name) }));
  }

  /** Everyone online, by person, page and replica. */
  online(): OnlineRow[] {
    const rows = new Map<string, OnlineRow>();
    const add = (entry: Entry, replica: string) => {
      const key = `${entry.name}\n${entry.path}\n${replica}`;
      const row = rows.get(key);
      if (row) {
        row.tabs++;
        if (entry.since < row.since) row.since = entry.since;
      } else rows.set(key, { name: entry.name, path: entry.path, replica, tabs: 1, since: entry.since });
    };
    for (const entry of this.local.values()) add(entry, this.replicaId);
    for (const [replica, { entries }] of this.remote) for (const entry of entries) add(entry, replica);
    return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name) || a.path.localeCompare(b.path));
  }

  private *entries(): Iterable<Entry> {
    yield* this.local.values();
    for (const { entries } of this.remote.values()) yield* entries;
  }

  private changed(paths: Set<string>): void {
    for (const listener of this.listeners) listener(paths);
    // Other replicas hear of it within a moment (changes close together travel as one announcement).
    if (this.share && !this.announceTimer) {
      this.announceTimer = setTimeout(() => {
        this.announceTimer = undefined;
        this.announce();
      }, 100);
    }
  }

  private announce(): void {
    void this.share?.publish(`${this.replicaId} ${JSON.stringify([...this.local.values()])}`).catch(() => undefined);
  }

  private onAnnouncement(message: string): void {
    const space = message.indexOf(' ');
    const replica = message.slice(0, space);
    if (space < 0 || replica === this.replicaId) return;
    let entries: Entry[];
    try {
      entries = (JSON.parse(message.slice(space + 1)) as Entry[]).filter((e) => typeof e?.name === 'string' && typeof e.path === 'string' && typeof e.since === 'string');
    } catch {
      return;
    }
    const before = this.remote.get(replica)?.entries ?? [];
    this.remote.set(replica, { at: Date.now(), entries });
    const key = (e: Entry) => `${e.name}\n${e.path}`;
    const was = new Set(before.map(key));
    const now = new Set(entries.map(key));
    const paths = new Set<string>();
    for (const e of before) if (!now.has(key(e))) paths.add(e.path);
    for (const e of entries) if (!was.has(key(e))) paths.add(e.path);
    if (paths.size) for (const listener of this.listeners) listener(paths);
  }

  private forgetSilent(): void {
    const now = Date.now();
    for (const [replica, { at, entries }] of this.remote) {
      if (now - at < FORGET_MS) continue;
      this.remote.delete(replica);
      const paths = new Set(entries.map((e) => e.path));
      if (paths.size) for (const listener of this.listeners) listener(paths);
    }
  }
}

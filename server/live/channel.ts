import { formatPosition, formatPositions, type Position } from '../../lib/live/protocol';
import type { FanoutGroup } from './fanoutGroup';
import type { KindMirror } from './kindMirror';
import type { SseStream } from './sseStream';

/** The `id:` value for these kinds now: their mirrors' positions (`single`: one kind, as a bare position). */
export function currentIdOf(kinds: ReadonlyArray<{ token: string; mirror: KindMirror }>, single: boolean): string {
  if (single) return formatPosition(kinds[0].mirror.position);
  const map = new Map<string, Position>();
  for (const { token, mirror } of kinds) map.set(token, mirror.position);
  return formatPositions(map);
}

/**
 * Every stream that carries exactly the same feeds (the same kinds, each
 * through the same fan-out group): one log of ready chunks, `id:` line and
 * frame, appended once per delta whatever the number of streams. Each stream
 * keeps only a cursor into the log, so a delta costs O(1) however many
 * streams share it. When streams are flushed, the chunks not yet taken by
 * anyone are sealed into a page, one buffer; every stream writes the pages
 * from its cursor on, so a page is written to every socket by reference,
 * never copied per stream, however far behind a stream is. Cursors move a
 * whole page at a time, so they always sit on a page's start. What every
 * member has taken is dropped by `trim`.
 */
export class Channel {
  readonly members = new Set<SseStream>();
  /** The chunks not sealed into a page yet, oldest first; `open[0]` has the ordinal `sealedTo`. */
  private open: Buffer[] = [];
  /** When each held chunk's change was published by its informer (ms since the epoch; for delivery lag). */
  private ats: number[] = [];
  /** When each held chunk was appended here (ms since the epoch; how long it has waited on this replica). */
  private arrivals: number[] = [];
  /** The log's running byte count after each held chunk. */
  private ends: number[] = [];
  private base = 0;
  /** The running byte count before `chunks[0]`. */
  private bytesBefore = 0;
  private totalBytes = 0;
  /** Sealed pages, oldest first, each the chunks `[from, to)` as one buffer; they run up to `sealedTo`. */
  private pages: Page[] = [];
  private sealedTo = 0;
  private readonly unsubscribes: Array<() => void> = [];
  /** Channels with the same key here have the same `id:` line for a delta: the same kinds, and the same id format. */
  readonly idKey: string;

  /** The ordinal the next chunk gets. */
  end = 0;

  constructor(
    readonly key: string,
    /** The kinds of the streams' `id:` lines, in their order, with the mirror of each. */
    private readonly positions: Array<{ token: string; mirror: KindMirror }>,
    /** One kind's stream: ids are bare positions. */
    private readonly single: boolean,
    readonly groups: FanoutGroup[],
    /** The channel got chunks (the hub schedules a flush of its members). */
    private readonly dirty: (channel: Channel) => void,
    /** The last member left. */
    private readonly onEmpty: (channel: Channel) => void,
  ) {
    this.idKey = (single ? '=' : '') + positions.map((p) => p.token).join(',');
    for (const group of groups) this.unsubscribes.push(group.addChannel(this));
  }

  /** The `id:` value after every chunk appended so far: the current position of each kind. */
  currentId(): string {
    return currentIdOf(this.positions, this.single);
  }

  get heldBytes(): number {
    return this.totalBytes - this.bytesBefore;
  }

  append(chunk: Buffer, at: number): void {
    if (this.members.size === 0) return;
    this.open.push(chunk);
    this.ats.push(at);
    this.arrivals.push(Date.now());
    this.totalBytes += chunk.byteLength;
    this.ends.push(this.totalBytes);
    this.end++;
    this.dirty(this);
  }

  /** Adds a stream, at the end of the log. Not for a stream that has ended. */
  join(member: SseStream): void {
    this.seal();
    this.members.add(member);
    member.cursor = this.end;
  }

  leave(member: SseStream): void {
    if (!this.members.delete(member)) return;
    if (this.members.size > 0) return;
    for (const off of this.unsubscribes.splice(0)) off();
    this.open = [];
    this.ats = [];
    this.arrivals = [];
    this.ends = [];
    this.pages = [];
    this.onEmpty(this);
  }

  /** The log's running byte count before the chunk `ordinal`. */
  private bytesAt(ordinal: number): number {
    return ordinal <= this.base ? this.bytesBefore : this.ends[ordinal - this.base - 1];
  }

  /** Bytes from `cursor` to the end of the log. */
  pendingBytes(cursor: number): number {
    return cursor >= this.end ? 0 : this.totalBytes - this.bytesAt(cursor);
  }

  /** When the oldest change from `cursor` on was published by its informer (0: none pending). */
  pendingSince(cursor: number): number {
    return cursor >= this.end ? 0 : this.ats[Math.max(0, cursor - this.base)];
  }

  /** When the oldest chunk from `cursor` on was appended here (0: none pending). */
  waitingSince(cursor: number): number {
    return cursor >= this.end ? 0 : this.arrivals[Math.max(0, cursor - this.base)];
  }

  /** Seals the chunks not in a page yet into one; their own buffers are let go. */
  private seal(): void {
    if (this.open.length === 0) return;
    const from = this.sealedTo;
    const bytes = this.open.length === 1 ? this.open[0] : Buffer.concat(this.open, this.totalBytes - this.bytesAt(from));
    this.pages.push({ from, to: this.end, bytes });
    this.open = [];
    this.sealedTo = this.end;
  }

  /** The pages from `cursor` (a page's start) to the end of the log, sealing what was still open. */
  pagesFrom(cursor: number): Page[] {
    if (cursor >= this.end) return [];
    this.seal();
    // Members are mostly at or near the end: look from there.
    let i = this.pages.length - 1;
    while (i > 0 && this.pages[i].from > cursor) i--;
    const page = this.pages[i];
    if (page.from === cursor) return this.pages.slice(i);
    // Inside a page (never expected: cursors move a page at a time): the rest of it, then the pages after it.
    const rest = { from: cursor, to: page.to, bytes: page.bytes.subarray(this.bytesAt(cursor) - this.bytesAt(page.from)) };
    return [rest, ...this.pages.slice(i + 1)];
  }

  /** The lowest cursor of the members, leaving out `except` (the end when there are none). */
  lowestCursor(except?: ReadonlySet<SseStream>): number {
    let lowest = this.end;
    for (const member of this.members) if (member.cursor < lowest && !except?.has(member)) lowest = member.cursor;
    return lowest;
  }

  /** Drops what every member has taken. O(members): the hub calls it on its housekeeping timer. */
  trim(): void {
    const lowest = Math.min(this.lowestCursor(), this.sealedTo);
    const drop = lowest - this.base;
    if (drop <= 0) return;
    this.bytesBefore = this.ends[drop - 1];
    this.ats.splice(0, drop);
    this.arrivals.splice(0, drop);
    this.ends.splice(0, drop);
    this.base = lowest;
    let taken = 0;
    while (taken < this.pages.length && this.pages[taken].to <= lowest) taken++;
    if (taken > 0) this.pages.splice(0, taken);
  }
}

/** Chunks of a channel's log, `[from, to)`, as one buffer. */
export interface Page {
  from: number;
  to: number;
  bytes: Buffer;
}

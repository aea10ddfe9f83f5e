import { randomBytes } from 'node:crypto';
import type { Row } from '../../lib/kinds/types';
import type { Delta, KindHealth, Position } from '../../lib/live/protocol';

/** A topic's rows at a position, with the deltas that led there (as many as are still held, oldest first). */
export interface TopicState extends Position {
  rows: Row[];
  recent: Delta[];
}

/** What a subscriber of a topic receives, in order. */
export type BusMessage =
  /** The topic's whole state: a new history began, or this subscriber (re)loaded it. Positions before it may be void. */
  | ({ type: 'reset' } & TopicState)
  | { type: 'delta'; epoch: string; delta: Delta; /** When the owner's informer received the change (ms). */ at: number };

/** A write by an owner whose lease has passed to a newer owner (a higher fencing token). */
export class LeaseLost extends Error {
  constructor(topic: string) {
    super(`${topic}: a newer owner holds the lease; this write was refused`);
  }
}

/** The topic's stored history holds something unreadable (a key of the wrong type, a garbled entry). */
export class CorruptTopic extends Error {}

/**
 * Carries informer output to every replica's mirror, and keeps each topic's
 * history: its epoch, sequence, current rows and recent deltas. Only the
 * owner of a topic writes, and every write carries its fencing token.
 */
export interface DeltaBus {
  /** The topic's current state, or null when it has no history (never published, or lost). */
  current(topic: string): Promise<TopicState | null>;
  /** Begins a new history (a new epoch) with `rows` at sequence 0. */
  reset(topic: string, fence: string, rows: Row[]): Promise<Position>;
  /** Appends one delta; its `seq` must follow the topic's. Call in order without awaiting; rejects with LeaseLost when fenced off. */
  append(topic: string, fence: string, epoch: string, delta: Delta, at: number): Promise<void>;
  /** Receives the current state first (when there is one), then every later message in order. */
  subscribe(topic: string, handler: (message: BusMessage) => void): () => void;
  /**
   * Records the owner's connection state for the topic (a small record beside
   * the history, fenced like every write). Rejects with LeaseLost when fenced off.
   */
  setHealth(topic: string, fence: string, health: KindHealth): Promise<void>;
  /**
   * Receives the topic's connection state: the current record first (when
   * there is one), then every change, for as long as this replica follows
   * the topic (subscribes to it).
   */
  onHealth(topic: string, listener: (health: KindHealth) => void): () => void;
  /** Called when this replica finds the topic's stored history unreadable: its owner should begin a new one. */
  onCorrupt?(topic: string, listener: (why: string) => void): () => void;
}

export function newEpoch(): string {
  return randomBytes(6).toString('hex');
}

interface MemoryTopic {
  epoch: string;
  seq: number;
  fence: number;
  rows: Map<string, Row>;
  handlers: Set<(message: BusMessage) => void>;
  health?: KindHealth;
  healthListeners: Set<(health: KindHealth) => void>;
}

/**
 * The bus of a single replica. A topic's state lives as long as somebody
 * subscribes to it (the mirror that serves it), so an informer restarted
 * while its mirror lives continues the same history.
 */
export class MemoryDeltaBus implements DeltaBus {
  private readonly topics = new Map<string, MemoryTopic>();

  private topic(name: string): MemoryTopic {
    let topic = this.topics.get(name);
    if (!topic) this.topics.set(name, (topic = { epoch: '', seq: 0, fence: 0, rows: new Map(), handlers: new Set(), healthListeners: new Set() }));
    return topic;
  }

  /** Refuses a writer older than the newest one seen (the memory lease's tokens are counts). */
  private fenced(name: string, fence: string): MemoryTopic {
    const topic = this.topic(name);
    if (parseInt(fence, 10) < topic.fence) throw new LeaseLost(name);
    topic.fence = parseInt(fence, 10);
    return topic;
  }

  async current(name: string): Promise<TopicState | null> {
    const topic = this.topics.get(name);
    if (!topic?.epoch) return null;
    return { epoch: topic.epoch, seq: topic.seq, rows: [...topic.rows.values()], recent: [] };
  }

  async reset(name: string, fence: string, rows: Row[]): Promise<Position> {
    const topic = this.fenced(name, fence);
    topic.epoch = newEpoch();
    topic.seq = 0;
    topic.rows = new Map(rows.map((row) => [row.uid, row]));
    const message: BusMessage = { type: 'reset', epoch: topic.epoch, seq: 0, rows, recent: [] };
    for (const handler of topic.handlers) handler(message);
    this.dropUnused(name, topic);
    return { epoch: topic.epoch, seq: 0 };
  }

  append(name: string, fence: string, epoch: string, delta: Delta, at: number): Promise<void> {
    try {
      const topic = this.fenced(name, fence);
      if (epoch !== topic.epoch || delta.seq !== topic.seq + 1) throw new Error(`${name}: delta ${epoch}-${delta.seq} does not follow ${topic.epoch}-${topic.seq}`);
      topic.seq = delta.seq;
      if (delta.type === 'deleted') topic.rows.delete(delta.key.uid);
      else topic.rows.set(delta.row.uid, delta.row);
      const message: BusMessage = { type: 'delta', epoch, delta, at };
      for (const handler of topic.handlers) handler(message);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  async setHealth(name: string, fence: string, health: KindHealth): Promise<void> {
    const topic = this.fenced(name, fence);
    topic.health = health;
    for (const listener of topic.healthListeners) listener(health);
  }

  onHealth(name: string, listener: (health: KindHealth) => void): () => void {
    const topic = this.topic(name);
    topic.healthListeners.add(listener);
    if (topic.health) listener(topic.health);
    return () => {
      topic.healthListeners.delete(listener);
    };
  }

  subscribe(name: string, handler: (message: BusMessage) => void): () => void {
    const topic = this.topic(name);
    topic.handlers.add(handler);
    if (topic.epoch) handler({ type: 'reset', epoch: topic.epoch, seq: topic.seq, rows: [...topic.rows.values()], recent: [] });
    return () => {
      topic.handlers.delete(handler);
      this.dropUnused(name, topic);
    };
  }

  /** Nobody serves the topic any more: its rows need not be kept (an owner starts afresh next time). */
  private dropUnused(name: string, topic: MemoryTopic): void {
    if (topic.handlers.size === 0 && this.topics.get(name) === topic) {
      topic.rows = new Map();
      topic.epoch = '';
      topic.seq = 0;
      topic.health = undefined;
    }
  }
}

/**
 * This replica's hold on a topic. `fence`: the fencing token every write
 * carries, unique to this hold and starting with a count that grows with
 * every new owner (`<count>.<nonce>`); `lost` aborts when the hold ends.
 */
export interface Ownership {
  fence: string;
  lost: AbortSignal;
  /** Gives the topic up at once (another replica may take it without waiting for expiry). */
  release(): Promise<void>;
}

/**
 * Who runs the informer for a topic. With one replica it is always this one;
 * a fleet takes a lease in Redis so exactly one replica watches the apiserver.
 */
export interface InformerLease {
  /** Waits until this replica owns `topic`; null when `signal` aborted first. */
  acquire(topic: string, signal: AbortSignal): Promise<Ownership | null>;
}

/** One replica: every acquisition succeeds at once, each with a higher token, and is never lost. */
export class LocalLease implements InformerLease {
  private fence = 0;

  async acquire(_topic: string, signal: AbortSignal): Promise<Ownership | null> {
    if (signal.aborted) return null;
    const lost = new AbortController();
    return { fence: String(++this.fence), lost: lost.signal, release: async () => lost.abort() };
  }
}

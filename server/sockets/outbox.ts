import type { Socket } from 'socket.io';

export interface OutboxOptions<T> {
  /** What may wait for this client before the oldest items are dropped. */
  maxBytes: number;
  sizeOf(item: T): number;
  /** Sends one batch. */
  send(items: T[]): void;
  /** Called for every item dropped because the client read too slowly. */
  onDrop(item: T): void;
  /** The most one batch carries. */
  batchBytes?: number;
  /** How long items gather before a batch goes out. */
  flushMs?: number;
}

interface EngineSocket {
  transport?: { writable?: boolean };
  writeBuffer?: unknown[];
}

/** True while the client has nothing of ours still waiting in socket.io's own buffers. */
function drained(socket: Socket): boolean {
  const conn = socket.conn as unknown as EngineSocket;
  return conn.transport?.writable !== false && (conn.writeBuffer?.length ?? 0) === 0;
}

/**
 * A bounded queue between a producer (an upstream log or shell) and one
 * client. Items go out in batches, and only once socket.io has handed the
 * previous ones to the network; while the client is slow they wait here, and
 * past `maxBytes` the oldest are dropped (the caller marks the gap). Server
 * memory per client is therefore bounded whatever the producer does.
 */
export class Outbox<T> {
  private queue: T[] = [];
  private head = 0;
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly options: OutboxOptions<T>,
  ) {}

  push(item: T): void {
    if (this.closed) return;
    this.queue.push(item);
    this.bytes += this.options.sizeOf(item);
    while (this.bytes > this.options.maxBytes && this.queue.length - this.head > 1) {
      const dropped = this.queue[this.head];
      this.queue[this.head++] = undefined as T;
      this.bytes -= this.options.sizeOf(dropped);
      this.options.onDrop(dropped);
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.schedule();
  }

  /** Bytes waiting (for tests and metrics). */
  get pendingBytes(): number {
    return this.bytes;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.queue = [];
    this.head = 0;
    this.bytes = 0;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => this.flush(), this.options.flushMs ?? 25);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.closed || this.socket.disconnected) return this.close();
    if (!drained(this.socket)) return this.schedule();
    const limit = this.options.batchBytes ?? 256 * 1024;
    const batch: T[] = [];
    let size = 0;
    while (this.head < this.queue.length && (batch.length === 0 || size < limit)) {
      const item = this.queue[this.head];
      this.queue[this.head++] = undefined as T;
      const itemSize = this.options.sizeOf(item);
      size += itemSize;
      this.bytes -= itemSize;
      batch.push(item);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    if (batch.length > 0) this.options.send(batch);
    if (this.head < this.queue.length) this.schedule();
  }
}

/**
 * A browser's side of one yard: its Yjs document and presence, kept in step
 * with the portal over the `/yard` socket (y-protocols sync and awareness, as
 * bytes). Used by the Yard's pages, and by the tests as a real client.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Socket } from 'socket.io-client';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { JoinReply, Presence, YardSummary } from './model';

/** The origin of changes that came from the portal (they are not sent back). */
const SERVER = Symbol('server');
/** Presence is sent again this often even when nothing moved, so others know the person is still here. */
export const PRESENCE_EVERY_MS = 5000;

export interface YardError {
  code: number;
  message: string;
  event?: string;
}

type Listener = () => void;

export class YardClient {
  doc = new Y.Doc();
  awareness = new awarenessProtocol.Awareness(this.doc);
  yard: YardSummary | undefined;
  /** Whether the document has the yard's state (after the first sync answer). */
  synced = false;
  readonly errors: YardError[] = [];
  readonly notices: string[] = [];
  /** Why the yard closed for good (it was deleted); the connection is over and is not opened again. */
  closed: { code: number; message: string } | null = null;
  private readonly listeners = new Set<Listener>();
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private local: Presence = {};

  constructor(
    readonly socket: Socket,
    readonly yardId: string,
  ) {
    socket.on('sync', (data: ArrayBuffer | Uint8Array) => this.receiveSync(new Uint8Array(data as ArrayBuffer)));
    socket.on('awareness', (data: ArrayBuffer | Uint8Array) => {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, new Uint8Array(data as ArrayBuffer), SERVER);
    });
    socket.on('error', (error: YardError) => {
      this.errors.push(error);
      // A refused change stays in this document only: start over from the yard's. Not for 409 (the yard
      // lacks a change of ours, lost with a connection: its state vector follows and the answer sends it)
      // nor 429 (too fast: the change is sent again with the next sync).
      if (error.event === 'sync' && error.code !== 429 && error.code !== 409) this.reset();
      this.changed();
    });
    socket.on('notice', ({ message }: { message: string }) => {
      this.notices.push(message);
      this.changed();
    });
    socket.on('closed', (event: { code: number; message: string }) => {
      this.closed = event;
      clearInterval(this.heartbeat);
      this.changed();
    });
    // After a reconnection (possibly to another replica), join again: the sync answers carry what either side missed.
    socket.on('connect', () => {
      if (this.yard && !this.closed) void this.join().catch(() => undefined);
    });
    this.bind();
    this.heartbeat = setInterval(() => this.publishPresence(), PRESENCE_EVERY_MS);
  }

  /** Opens the yard; rejects with the portal's refusal (403, 404 …). */
  async join(): Promise<YardSummary> {
    const reply = await new Promise<JoinReply>((resolve) => this.socket.emit('join', { yard: this.yardId }, resolve));
    if (reply.error || !reply.yard) throw Object.assign(new Error(reply.error?.message ?? 'the yard could not be opened'), { code: reply.error?.code ?? 500 });
    this.yard = reply.yard;
    this.publishPresence();
    this.changed();
    return reply.yard;
  }

  /** Tells everyone in the yard where this person is and what they look at. */
  setPresence(presence: Presence): void {
    this.local = { ...this.local, ...presence };
    this.publishPresence();
  }

  /** Called on every change to the document, presence, errors or notices. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    clearInterval(this.heartbeat);
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'closed');
    this.awareness.destroy();
    this.doc.destroy();
    this.socket.disconnect();
  }

  private bind(): void {
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      // Offline, a change stays here: after rejoining, the yard's sync step 1 asks for everything it lacks.
      // (Sent while disconnected, it would reach the portal before the join and be refused, and the refusal resets the document.)
      if (origin !== SERVER && this.socket.connected) {
        const message = encoding.createEncoder();
        syncProtocol.writeUpdate(message, update);
        this.socket.emit('sync', encoding.toUint8Array(message));
      }
      this.changed();
    });
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin !== SERVER) {
        const mine = [...added, ...updated, ...removed].filter((id) => id === this.doc.clientID);
        if (mine.length && this.socket.connected) this.socket.emit('awareness', awarenessProtocol.encodeAwarenessUpdate(this.awareness, mine));
      }
      this.changed();
    });
  }

  private publishPresence(): void {
    if (!this.yard) return;
    this.awareness.setLocalState({ ...this.local, timestamp: Date.now() });
  }

  private receiveSync(message: Uint8Array): void {
    const reply = encoding.createEncoder();
    const type = syncProtocol.readSyncMessage(decoding.createDecoder(message), reply, this.doc, SERVER);
    if (type === syncProtocol.messageYjsSyncStep2) this.synced = true;
    if (encoding.length(reply) > 0) this.socket.emit('sync', encoding.toUint8Array(reply));
    this.changed();
  }

  /** A fresh document, filled from the yard's (its refused changes are gone). */
  private reset(): void {
    // The new document has a new awareness id: the old one says goodbye first.
    awarenessProtocol.removeAwarenessStates(this.awareness, [this.doc.clientID], 'reset');
    this.awareness.destroy();
    this.doc.destroy();
    this.doc = new Y.Doc();
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.synced = false;
    this.bind();
    const step1 = encoding.createEncoder();
    syncProtocol.writeSyncStep1(step1, this.doc);
    this.socket.emit('sync', encoding.toUint8Array(step1));
    this.publishPresence();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

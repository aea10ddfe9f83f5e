import type { Row } from '../../lib/kinds/types';
import type { Delta, SseEventMap } from '../../lib/live/protocol';
import type { Channel } from './channel';
import { deltaFrame } from './deltaFrame';
import type { KindMirror } from './kindMirror';
import { sseBody } from './sse';
import { isVisible, type View } from './view';

/** The key of a view: streams whose people see exactly the same rows of a kind share a group. */
export function viewKey(cluster: string, token: string, view: View): string {
  const namespaces = view.namespaces === null ? '*' : [...view.namespaces].sort().join(',');
  return `${cluster}/${token}|${namespaces}|${JSON.stringify(view.selector)}`;
}

/**
 * Every stream that sees the same rows of one kind (same namespaces, same
 * selector). A delta is filtered and serialised once for the whole group,
 * into one byte chunk appended to the log of each channel carrying the kind
 * (streams with the same feeds share a channel, so the work per delta does not
 * grow with the number of streams); only the `id:` line differs between
 * channels of different kinds. Snapshots are serialised once per position
 * too, so a reconnect storm costs one serialisation.
 */
export class FanoutGroup {
  private readonly channels = new Set<Channel>();
  /** Under a label selector: the rows sent and still matching (to send `deleted` when one stops matching). */
  private readonly visible?: Set<string>;
  private readonly unsubscribe: () => void;
  private snapshotCache?: { epoch: string; seq: number; body: Buffer; items: number };
  private disposed = false;

  constructor(
    readonly key: string,
    readonly token: string,
    readonly view: View,
    readonly mirror: KindMirror,
    private readonly onEmpty: (group: FanoutGroup) => void,
  ) {
    if (view.selector.length > 0) {
      this.visible = new Set();
      for (const row of mirror.all()) if (isVisible(view, row)) this.visible.add(row.uid);
    }
    const offDelta = mirror.subscribe((delta, at) => this.deliver(delta, at));
    const offReset = mirror.onReset(() => this.resnapshot());
    this.unsubscribe = () => {
      offDelta();
      offReset();
    };
  }

  /** The mirror began anew (a new history, or this replica reloaded it): every member gets a fresh snapshot. */
  private resnapshot(): void {
    if (this.visible) {
      this.visible.clear();
      for (const row of this.mirror.all()) if (isVisible(this.view, row)) this.visible.add(row.uid);
    }
    if (this.channels.size === 0) return;
    const { body } = this.snapshot();
    for (const channel of this.channels) {
      for (const stream of [...channel.members]) {
        stream.pushText(`id: ${stream.currentId()}\n`);
        stream.push(body, { snapshot: true });
      }
    }
  }

  /** Streams that get this group's deltas. */
  get size(): number {
    let streams = 0;
    for (const channel of this.channels) streams += channel.members.size;
    return streams;
  }

  /** Ends the group when no channel took it up (the stream it was made for ended first). */
  disposeIfUnused(): void {
    if (this.channels.size > 0 || this.disposed) return;
    this.disposed = true;
    this.unsubscribe();
    this.onEmpty(this);
  }

  /** A channel takes this group's deltas from now on; returns how it stops. The last one gone ends the group. */
  addChannel(channel: Channel): () => void {
    this.channels.add(channel);
    return () => {
      if (!this.channels.delete(channel)) return;
      if (this.channels.size === 0) this.disposeIfUnused();
    };
  }

  /** The snapshot event of this view at the mirror's current position, serialised once per position. */
  snapshot(): { body: Buffer; items: number } {
    const { epoch, seq } = this.mirror.position;
    const cached = this.snapshotCache;
    if (cached && cached.epoch === epoch && cached.seq === seq) return cached;
    const items: Row[] = [];
    for (const row of this.mirror.all()) if (isVisible(this.view, row)) items.push(row);
    const data: SseEventMap['snapshot'] = { kind: this.token, items };
    this.snapshotCache = { epoch, seq, body: Buffer.from(sseBody('snapshot', data)), items: items.length };
    return this.snapshotCache;
  }

  /** Whether the group tracks rows per selector (then a resume is a fresh snapshot: the client's matching set is unknown). */
  get stateful(): boolean {
    return this.visible !== undefined;
  }

  private deliver(delta: Delta, at: number): void {
    if (this.channels.size === 0) return;
    const frame = this.frameFor(delta);
    if (!frame) return;
    const body = sseBody(frame.event, frame.data);
    // Every channel gets the same bytes; the `id:` line is shared by channels carrying the same kinds.
    const byKinds = this.channels.size > 1 ? new Map<string, Buffer>() : undefined;
    for (const channel of this.channels) {
      let chunk = byKinds?.get(channel.idKey);
      if (!chunk) {
        chunk = Buffer.from(`id: ${channel.currentId()}\n${body}`);
        byKinds?.set(channel.idKey, chunk);
      }
      channel.append(chunk, at);
    }
  }

  /** What the group's streams are told of a delta, or null when it is not theirs to see. Keeps the selector's set current. */
  private frameFor(delta: Delta) {
    if (!this.visible) return deltaFrame(this.token, this.view, delta);
    if (delta.type === 'deleted') {
      return this.visible.delete(delta.key.uid) ? ({ event: 'deleted', data: { kind: this.token, key: delta.key } } as const) : null;
    }
    const row = delta.row;
    if (isVisible(this.view, row)) {
      const known = this.visible.has(row.uid);
      this.visible.add(row.uid);
      return { event: known ? delta.type : 'added', data: { kind: this.token, row } } as const;
    }
    // It stopped matching the selector: for these clients it is gone.
    if (this.visible.delete(row.uid)) return { event: 'deleted', data: { kind: this.token, key: { namespace: row.namespace, name: row.name, uid: row.uid } } } as const;
    return null;
  }
}

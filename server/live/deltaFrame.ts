import type { Delta, SseEventMap } from '../../lib/live/protocol';
import { isVisible, type View } from './view';

export type DeltaFrame =
  | { event: 'added' | 'modified'; data: SseEventMap['added'] }
  | { event: 'deleted'; data: SseEventMap['deleted'] };

/**
 * What a view without a label selector is told of a delta (visibility by
 * namespace only, so it needs no memory of what was sent): the same answer
 * live and when missed deltas are replayed on resume.
 */
export function deltaFrame(token: string, view: View, delta: Delta): DeltaFrame | null {
  if (delta.type === 'deleted') return isVisible(view, { namespace: delta.key.namespace }) ? { event: 'deleted', data: { kind: token, key: delta.key } } : null;
  return isVisible(view, delta.row) ? { event: delta.type, data: { kind: token, row: delta.row } } : null;
}

import type { SseEventMap, SseEventName } from '../../lib/live/protocol';

/** Server-Sent-Events framing: `id:`, `event:` and one `data:` line of JSON, then a blank line. */
export function sseEvent<E extends SseEventName>(event: E, data: SseEventMap[E], id?: string): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The frame without its `id:` line, for sharing between streams that each add their own id. */
export function sseBody<E extends SseEventName>(event: E, data: SseEventMap[E]): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const SSE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
};

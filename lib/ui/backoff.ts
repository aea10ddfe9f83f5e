/**
 * Capped exponential backoff with jitter: attempt n (from 0) waits a random time
 * between half and all of min(cap, base·2ⁿ), so clients that lost the same server
 * do not all come back in the same instant.
 */
export function backoffDelay(attempt: number, { baseMs = 1000, capMs = 30_000, random = Math.random } = {}): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** `Retry-After` (seconds or an HTTP date) in ms; `fallbackMs` when absent or unreadable. */
export function retryAfterMs(header: string | null, fallbackMs: number, now = Date.now()): number {
  if (!header) return fallbackMs;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? fallbackMs : Math.max(0, at - now);
}

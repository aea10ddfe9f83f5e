import { LabelSelectorError, parseLabelSelector, type LabelSelector } from '../../lib/labelSelector';
import { parsePosition, parsePositions, type Position } from '../../lib/live/protocol';
import { HttpError } from '../http/errors';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `namespaces=a,b` → names; absent or empty → null (all the person may see). */
export function parseNamespaces(raw: string | null, max: number): string[] | null {
  if (raw === null || raw.trim() === '') return null;
  const names = [...new Set(raw.split(',').map((n) => n.trim()).filter(Boolean))];
  for (const name of names) {
    if (name.length > 63 || !NAMESPACE.test(name)) throw new HttpError(400, `"${name.slice(0, 80)}" is not a valid namespace name`);
  }
  if (names.length > max) throw new HttpError(400, `too many namespaces: ${names.length}, the limit is ${max} per request (ask for all instead)`);
  return names;
}

export function parseSelector(raw: string | null): LabelSelector {
  try {
    return parseLabelSelector(raw ?? '');
  } catch (err) {
    if (err instanceof LabelSelectorError) throw new HttpError(400, `labelSelector: ${err.message}`);
    throw err;
  }
}

/**
 * Where a reconnecting client left off: `Last-Event-ID` (what EventSource
 * sends) or `?since=`. One kind: `<epoch>-<seq>`; several: `kind:<epoch>-<seq>,…`.
 */
export function parseSince(raw: string | null, kinds: string[], single: boolean): Map<string, Position> | null {
  if (raw === null || raw === '') return null;
  if (single) {
    const position = parsePosition(raw);
    if (!position) throw new HttpError(400, `malformed Last-Event-ID/since "${raw.slice(0, 80)}": expected <epoch>-<seq>`);
    return new Map([[kinds[0], position]]);
  }
  const positions = parsePositions(raw);
  if (!positions) throw new HttpError(400, `malformed Last-Event-ID/since "${raw.slice(0, 80)}": expected kind:<epoch>-<seq>,…`);
  return positions;
}

/** A `Last-Event-ID` as `parseSince` reads it, except that a malformed one means "no position" (a snapshot follows). */
export function parseLastEventId(raw: string, kinds: string[], single: boolean): Map<string, Position> | null {
  try {
    return parseSince(raw, kinds, single);
  } catch {
    return null;
  }
}

/** `kinds=pods,deployments` → tokens (at most `max`, no duplicates; at least one when `required`). */
export function parseKinds(raw: string | null, { required = true, name = 'kinds', max = 40 } = {}): string[] {
  const kinds = [...new Set((raw ?? '').split(',').map((k) => k.trim()).filter(Boolean))];
  if (kinds.length === 0 && required) throw new HttpError(400, `${name} is required, e.g. ${name}=pods,deployments`);
  if (kinds.length > max) throw new HttpError(400, `too many kinds in one stream's ${name}: ${kinds.length} (at most ${max})`);
  for (const kind of kinds) if (!/^[a-z0-9.-]{1,253}$/.test(kind)) throw new HttpError(400, `"${kind.slice(0, 80)}" is not a kind token`);
  return kinds;
}

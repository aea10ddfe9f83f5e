/**
 * The Yard's document as the browser changes it: krates added, moved, resized,
 * raised, minimised and removed, each change one Yjs transaction on the krate's
 * own map, so two people changing different fields never overwrite each other.
 * Pure functions of a Y.Doc: the canvas, "Pin to yard…" and the tests use them.
 */
import * as Y from 'yjs';
import type { Krate, KrateType } from '@/lib/yard/model';

export const DEFAULT_GRID = 20;
/** A new krate's size per type, in canvas pixels. */
const SIZES: Record<KrateType, { w: number; h: number }> = {
  object: { w: 360, h: 220 },
  logs: { w: 640, h: 360 },
  shell: { w: 640, h: 360 },
  yaml: { w: 480, h: 360 },
  list: { w: 560, h: 300 },
  events: { w: 560, h: 260 },
};
const MIN_SIZE = 120;

export interface PlacedKrate extends Krate {
  id: string;
}

/** What a new krate points at; position and size are chosen by `addKrate`. */
export type KrateTarget = Pick<Krate, 'type' | 'cluster' | 'kind' | 'namespace' | 'name' | 'container' | 'filter' | 'title'>;

export function krateMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap<Y.Map<unknown>>('krates');
}

export function gridOf(doc: Y.Doc): number {
  const grid = doc.getMap('layout').get('grid');
  return typeof grid === 'number' && grid > 0 ? grid : DEFAULT_GRID;
}

/** Every krate with the fields the document holds, top to bottom and left to right (the reading and Tab order). */
export function readKrates(doc: Y.Doc): PlacedKrate[] {
  const out: PlacedKrate[] = [];
  krateMap(doc).forEach((fields, id) => {
    if (!(fields instanceof Y.Map)) return;
    const k = fields.toJSON() as Krate;
    if (typeof k.x !== 'number' || typeof k.y !== 'number') return;
    out.push({ ...k, id });
  });
  return out.sort((a, b) => a.y - b.y || a.x - b.x || a.id.localeCompare(b.id));
}

export function snap(value: number, grid: number): number {
  return Math.round(value / grid) * grid;
}

function newId(): string {
  const bytes = new Uint8Array(9);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_'[b & 63]).join('');
}

function topZ(doc: Y.Doc): number {
  let z = 0;
  krateMap(doc).forEach((fields) => {
    const v = fields instanceof Y.Map ? fields.get('z') : undefined;
    if (typeof v === 'number' && v > z) z = v;
  });
  return z;
}

/** Where a krate of size w × h fits without covering another: the first free place right of and below `start`, row by row. */
export function freeSpot(krates: readonly PlacedKrate[], w: number, h: number, start: { x: number; y: number }, grid: number): { x: number; y: number } {
  const step = grid * 4;
  const overlaps = (x: number, y: number) => krates.some((k) => x < k.x + k.w && k.x < x + w && y < k.y + (k.minimised ? 40 : k.h) && k.y < y + h);
  for (let y = Math.max(0, snap(start.y, grid)); y < start.y + 4000; y += step) {
    for (let x = Math.max(0, snap(start.x, grid)); x < start.x + 1200; x += step) if (!overlaps(x, y)) return { x, y };
  }
  const bottom = krates.reduce((max, k) => Math.max(max, k.y + (k.minimised ? 40 : k.h)), 0);
  return { x: snap(start.x, grid), y: snap(bottom + grid, grid) };
}

/** Adds a krate on top of the others, in the first free place from `near` (the top left of the view), else below the lowest; returns its id. */
export function addKrate(doc: Y.Doc, target: KrateTarget, near?: { x: number; y: number }): string {
  const grid = gridOf(doc);
  const size = SIZES[target.type];
  const existing = readKrates(doc);
  const bottom = existing.reduce((max, k) => Math.max(max, k.y + (k.minimised ? 40 : k.h)), 0);
  const at = near ? freeSpot(existing, size.w, size.h, near, grid) : { x: grid, y: bottom + grid };
  const krate: Krate = {
    ...Object.fromEntries(Object.entries(target).filter(([, v]) => v !== undefined && v !== '')),
    type: target.type,
    cluster: target.cluster,
    kind: target.kind,
    x: snap(at.x, grid),
    y: snap(at.y, grid),
    w: size.w,
    h: size.h,
    z: topZ(doc) + 1,
  };
  const id = newId();
  doc.transact(() => {
    const fields = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(krate)) fields.set(key, value);
    krateMap(doc).set(id, fields);
  });
  return id;
}

function fieldsOf(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const fields = krateMap(doc).get(id);
  return fields instanceof Y.Map ? fields : undefined;
}

/** Puts a krate at (x, y), snapped to the grid. Only the fields that changed are written. */
export function moveKrate(doc: Y.Doc, id: string, x: number, y: number): void {
  const fields = fieldsOf(doc, id);
  if (!fields) return;
  const grid = gridOf(doc);
  const nx = Math.max(0, snap(x, grid));
  const ny = Math.max(0, snap(y, grid));
  doc.transact(() => {
    if (fields.get('x') !== nx) fields.set('x', nx);
    if (fields.get('y') !== ny) fields.set('y', ny);
  });
}

/** Gives a krate the size w × h, snapped to the grid and never smaller than a title bar and a few lines. */
export function resizeKrate(doc: Y.Doc, id: string, w: number, h: number): void {
  const fields = fieldsOf(doc, id);
  if (!fields) return;
  const grid = gridOf(doc);
  const nw = Math.min(10_000, Math.max(MIN_SIZE, snap(w, grid)));
  const nh = Math.min(10_000, Math.max(MIN_SIZE, snap(h, grid)));
  doc.transact(() => {
    if (fields.get('w') !== nw) fields.set('w', nw);
    if (fields.get('h') !== nh) fields.set('h', nh);
  });
}

/** Moves a krate by whole grid steps (the arrow keys). */
export function nudgeKrate(doc: Y.Doc, id: string, dx: number, dy: number): void {
  const fields = fieldsOf(doc, id);
  if (!fields) return;
  const grid = gridOf(doc);
  moveKrate(doc, id, Number(fields.get('x')) + dx * grid, Number(fields.get('y')) + dy * grid);
}

/** Grows or shrinks a krate by whole grid steps (shift + arrow keys). */
export function nudgeSize(doc: Y.Doc, id: string, dw: number, dh: number): void {
  const fields = fieldsOf(doc, id);
  if (!fields) return;
  const grid = gridOf(doc);
  resizeKrate(doc, id, Number(fields.get('w')) + dw * grid, Number(fields.get('h')) + dh * grid);
}

/** Puts a krate above all others; nothing is written when it already is. */
export function bringToFront(doc: Y.Doc, id: string): void {
  const fields = fieldsOf(doc, id);
  if (!fields) return;
  const z = Number(fields.get('z'));
  let above = false;
  krateMap(doc).forEach((other, otherId) => {
    if (otherId !== id && other instanceof Y.Map && Number(other.get('z')) >= z) above = true;
  });
  if (above) fields.set('z', topZ(doc) + 1);
}

export function setMinimised(doc: Y.Doc, id: string, minimised: boolean): void {
  const fields = fieldsOf(doc, id);
  if (fields && Boolean(fields.get('minimised')) !== minimised) fields.set('minimised', minimised);
}

export function removeKrate(doc: Y.Doc, id: string): void {
  krateMap(doc).delete(id);
}

/** What a krate shows, in words: "logs · pods team-a/web-1 (app)". */
export function describeKrate(k: Pick<Krate, 'type' | 'kind' | 'namespace' | 'name' | 'container' | 'filter' | 'title'>): string {
  if (k.title) return k.title;
  const where = [k.namespace, k.name].filter(Boolean).join('/');
  const what = `${k.kind}${where ? ` ${where}` : ''}${k.container ? ` (${k.container})` : ''}${k.filter ? ` matching "${k.filter}"` : ''}`;
  return `${k.type} · ${what}`;
}

/** Whether a krate matches a spotlight query (any word of it in what the krate points at). */
export function matchesSpotlight(k: PlacedKrate, query: string | null | undefined): boolean {
  const q = (query ?? '').trim().toLowerCase();
  if (!q) return false;
  const text = [k.type, k.cluster, k.kind, k.namespace, k.name, k.container, k.filter, k.title].filter(Boolean).join(' ').toLowerCase();
  return q.split(/\s+/).every((word) => text.includes(word));
}

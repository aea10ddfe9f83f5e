/**
 * The Yard's shared structure and its wire protocol, used by the server (which
 * checks every change against these rules) and by the browser.
 *
 * A yard is one Yjs document. Its only root types:
 * - `krates`: Y.Map from krate id to a Y.Map of the krate's fields (below), so
 *   two people moving different krates, or one moving and one resizing the same
 *   krate, never overwrite each other;
 * - `layout`: Y.Map of yard-wide settings (grid size).
 * Content is never in the document: each browser streams its krates' content
 * itself, as its own person.
 */
import { z } from 'zod';

export const YARD_NAMESPACE = '/yard';

export const KRATE_TYPES = ['object', 'logs', 'shell', 'yaml', 'list', 'events'] as const;
export type KrateType = (typeof KRATE_TYPES)[number];

const k8sName = z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes name');
const coordinate = z.number().finite().min(-100_000).max(100_000);
const extent = z.number().finite().min(40).max(10_000);

/** One krate's fields as they are in the document. */
export const krateSchema = z
  .object({
    type: z.enum(KRATE_TYPES),
    cluster: z.string().min(1).max(253),
    kind: z.string().min(1).max(253).regex(/^[a-z0-9.-]+$/, 'must be a kind token such as "pods"'),
    namespace: k8sName.optional(),
    name: k8sName.optional(),
    container: k8sName.optional(),
    /** A list krate's filter (label selector or text). */
    filter: z.string().max(1000).optional(),
    title: z.string().max(200).optional(),
    x: coordinate,
    y: coordinate,
    w: extent,
    h: extent,
    z: z.number().int().min(0).max(1_000_000_000),
    minimised: z.boolean().optional(),
  })
  .strict();
export type Krate = z.infer<typeof krateSchema>;

export const layoutSchema = z
  .object({
    grid: z.number().int().min(1).max(200).optional(),
  })
  .strict();

/** The root types a yard's document may have, and their Yjs type. */
export const YARD_ROOTS = { krates: 'map', layout: 'map' } as const;

/** A krate id: chosen by the browser that adds it (random), short and URL-safe. */
export const krateIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

/** A yard id: a team yard's name, or `~…` for a person's own yard. */
export const yardIdSchema = z.string().min(1).max(128).regex(/^~?[A-Za-z0-9_-]+$/, 'must be a yard id');

export const joinSchema = z.object({ yard: yardIdSchema });

/** What a person may do in a yard. */
export type YardAccess = 'edit' | 'view';

export interface YardSummary {
  id: string;
  title: string;
  /** Whether it is the person's own yard. */
  personal: boolean;
  access: YardAccess;
  /** Groups that may change it, and groups that may only look. */
  editGroups: string[];
  viewGroups: string[];
}

export interface JoinReply {
  yard?: YardSummary;
  error?: { code: number; message: string };
}

/**
 * The presence a browser publishes (Yjs awareness). The server replaces `user`
 * with the signed-in person's, so nobody can appear as somebody else.
 */
export const presenceSchema = z
  .object({
    user: z.unknown().optional(),
    cursor: z.object({ x: coordinate, y: coordinate }).nullable().optional(),
    activeKrateId: krateIdSchema.nullable().optional(),
    spotlightQuery: z.string().max(200).nullable().optional(),
    /** Where the person is in the portal (a path), for presence outside the Yard. */
    path: z.string().max(1000).nullable().optional(),
    timestamp: z.number().optional(),
  })
  .strict();
export type Presence = z.infer<typeof presenceSchema>;

export interface PresenceUser {
  userId: string;
  name: string;
  colour: string;
}

/** A stable colour per person, the same on every replica and in every browser. */
export function colourOf(userId: string): string {
  let hash = 0;
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) >>> 0;
  return `hsl(${hash % 360} 60% 28%)`;
}

/** Server → client events of `/yard`. Updates travel as y-protocols messages (bytes). */
export interface YardServerEvents {
  sync: (message: Uint8Array | ArrayBuffer) => void;
  awareness: (update: Uint8Array | ArrayBuffer) => void;
  error: (event: { code: number; message: string; event?: string }) => void;
  notice: (event: { message: string }) => void;
  /** The yard is gone (410: deleted, here or on another replica); the portal ends the connection after it. */
  closed: (event: { code: number; message: string }) => void;
}

export interface YardClientEvents {
  join: (payload: { yard: string }, ack?: (reply: JoinReply) => void) => void;
  sync: (message: Uint8Array) => void;
  awareness: (update: Uint8Array) => void;
}

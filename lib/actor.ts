/** The signed-in person a request acts for. Every request the portal serves has one. */
export interface Actor {
  name: string;
  groups: string[];
  /** Identifies the session (for revocation); never a credential. */
  sessionId: string;
  /** When the session ends whatever happens (sign-in + its lifetime), in ms since the epoch. */
  sessionEndsAt?: number;
}

/**
 * The custom server resolves the actor of each request once and hands it to
 * pages and route handlers in this header. Any copy sent by a client is
 * removed first, so only the server can set it.
 */
export const ACTOR_HEADER = 'x-crowsnest-actor';

export function encodeActor(actor: Actor): string {
  return Buffer.from(JSON.stringify(actor)).toString('base64url');
}

/** The actor from the header value (server-side code only); null when absent or not well formed. */
export function decodeActor(value: string | null | undefined): Actor | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString()) as Actor;
    if (typeof parsed.name !== 'string' || !Array.isArray(parsed.groups) || typeof parsed.sessionId !== 'string') return null;
    if (parsed.sessionEndsAt !== undefined && typeof parsed.sessionEndsAt !== 'number') return null;
    return parsed;
  } catch {
    return null;
  }
}

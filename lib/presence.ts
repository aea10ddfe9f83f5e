/** Presence outside the Yard (DESIGN.md §5 `/presence`): who else looks at the same page right now. */
import { z } from 'zod';

export const PRESENCE_NAMESPACE = '/presence';

/** A portal path such as `/clusters/demo/pods/team-a/web-1` (no query). */
export const viewSchema = z.object({ path: z.string().min(1).max(1000).regex(/^\/[^?#\s]*$/, 'must be a portal path such as /clusters/demo/pods') });

export interface Viewer {
  name: string;
  color: string;
}

export interface ViewersEvent {
  path: string;
  users: Viewer[];
}

/** Everyone online, for the admins' view: one row per person, page and replica. */
export interface OnlineRow {
  name: string;
  path: string;
  replica: string;
  /** Tabs (presence connections) of this person on this page and replica. */
  tabs: number;
  /** When the earliest of those tabs came to the page. */
  since: string;
}

export interface PresenceServerEvents {
  viewers: (event: ViewersEvent) => void;
  error: (event: { code: number; message: string; event?: string }) => void;
}

export interface PresenceClientEvents {
  view: (payload: { path: string }) => void;
}

import { route } from '@/server/http/route';

export const dynamic = 'force-dynamic';

/** Who the portal thinks you are: your name and groups (never the session id). */
export const GET = route(async ({ actor }) => Response.json({ name: actor.name, groups: actor.groups }, { headers: { 'Cache-Control': 'no-store' } }));

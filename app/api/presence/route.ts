import { HttpError } from '@/server/http/errors';
import { route } from '@/server/http/route';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Everyone online across the fleet, with their page and replica: for the admin groups only. */
export const GET = route(async ({ actor }) => {
  const { config, presence } = getRuntime();
  if (!actor.groups.some((g) => config.adminGroups.includes(g))) throw new HttpError(403, `only the admin groups (${config.adminGroups.join(', ') || 'none are set: CROWSNEST_ADMIN_GROUPS'}) may see who is online`);
  return Response.json(presence.online(), { headers: { 'Cache-Control': 'no-store' } });
});

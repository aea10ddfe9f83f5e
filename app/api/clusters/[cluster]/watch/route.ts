import { route } from '@/server/http/route';
import { openStream } from '@/server/live/streamRoute';

export const dynamic = 'force-dynamic';

/** One SSE stream carrying several kinds (`?kinds=pods,deployments`): what the UI uses. */
export const GET = route<{ cluster: string }>(openStream, { timeoutMs: null });

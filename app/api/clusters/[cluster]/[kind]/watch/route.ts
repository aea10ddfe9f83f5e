import { route } from '@/server/http/route';
import { openStream } from '@/server/live/streamRoute';

export const dynamic = 'force-dynamic';

/** SSE stream of one kind: snapshot, then added/modified/deleted; resumes from Last-Event-ID. */
export const GET = route<{ cluster: string; kind: string }>(openStream, { timeoutMs: null });

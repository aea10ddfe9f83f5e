import NextAuth from 'next-auth';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

type Handler = (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

const handler: Handler = (request, context) => (NextAuth(getRuntime().auth.options) as Handler)(request, context);

export { handler as GET, handler as POST };

import { headers } from 'next/headers';
import Link from 'next/link';

/** Unknown cluster, kind or page: a real 404, rendered per request so its scripts carry the response's CSP nonce. */
export default async function NotFound() {
  await headers();
  return (
    <main className="error-page" data-testid="not-found">
      <p className="error-code">404</p>
      <h1>Not found</h1>
      <p>There is no cluster, kind or page at this address in this portal. It may have been removed, or the link may be mistyped.</p>
      <p>
        <Link href="/">All clusters</Link>
      </p>
    </main>
  );
}

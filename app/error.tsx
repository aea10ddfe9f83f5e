'use client';

import Link from 'next/link';

/** A page that failed on the server: say so, with the id to quote, and offer a retry. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="error-page" data-testid="error-page" role="alert">
      <p className="error-code">500</p>
      <h1>This page could not be shown</h1>
      <p>The portal hit an error while preparing it. {error.digest ? <span className="mono">Error id {error.digest}</span> : null}</p>
      <p>
        <button type="button" onClick={reset}>
          Try again
        </button>{' '}
        <Link href="/">All clusters</Link>
      </p>
    </main>
  );
}

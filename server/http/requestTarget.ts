/**
 * The custom server decides what a request is (API, page, asset) from its
 * path, and Next decides which handler runs from the same path after
 * resolving dot segments, decoding and collapsing slashes. Where the two could
 * disagree, the edge checks could be skipped (`/./api/…` reaches an API
 * handler but looks like a page). So a request target must already be in the
 * normal form that both read the same way; anything else is refused before any
 * other work. Browsers and Next's own asset URLs are always in this form.
 */

/** Encoded dot, slash and backslash: decoded, they would change the path's segments. */
const ENCODED_SEPARATOR = /%(2e|2f|5c)/i;

/** Why `target` (a request line's target) is not a normalised origin-form path, or null when it is. */
export function nonNormalTarget(target: string | undefined): string | null {
  if (!target || !target.startsWith('/')) return 'the request target must be a path starting with "/" (no absolute URL)';
  const path = target.split('?', 1)[0];
  if (path.includes('#')) return 'the request target must not carry a fragment ("#")';
  if (path.includes('\\')) return 'the path must not contain a backslash';
  if (ENCODED_SEPARATOR.test(path)) return 'the path must not contain an encoded ".", "/" or "\\" (%2e, %2f, %5c)';
  if (path.includes('//')) return 'the path must not contain empty segments ("//")';
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) return 'the path must not contain "." or ".." segments';
  return null;
}

/** Why the path's percent-encoding does not decode to UTF-8 text (e.g. `%E0%A4%A`), or null when it does. */
export function undecodablePath(path: string): string | null {
  try {
    decodeURIComponent(path);
    return null;
  } catch {
    return 'the path is not valid percent-encoded UTF-8';
  }
}

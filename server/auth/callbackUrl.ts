/**
 * Where sign-in may send a person afterwards: `url` (absolute, or a path)
 * resolved against `baseUrl`, when it lands on the same origin over http(s);
 * otherwise null. Never throws: `http://portal:3000.evil.example/` (an invalid
 * port), `//evil.example`, `/\evil.example` and `javascript:` all give null.
 */
export function sameOriginCallback(url: string, baseUrl: string): string | null {
  try {
    const base = new URL(baseUrl);
    const target = new URL(url, base);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return null;
    return target.origin === base.origin ? target.href : null;
  } catch {
    return null;
  }
}

/** A stand-in origin for callbackPath: nothing is ever sent there. */
const PLACEHOLDER_ORIGIN = 'http://portal.invalid';

/**
 * The sign-in page's form of the same rule, for where the portal's own origin
 * is not at hand: the path (with query and fragment) `url` leads to on this
 * portal, or null when it leads anywhere else. The URL parser drops tabs and
 * line breaks first, as browsers do, so `/\t/evil.example` is
 * `//evil.example` here too, and refused.
 */
export function callbackPath(url: string): string | null {
  const target = sameOriginCallback(url, PLACEHOLDER_ORIGIN);
  if (target === null) return null;
  const { pathname, search, hash } = new URL(target);
  return `${pathname}${search}${hash}`;
}

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

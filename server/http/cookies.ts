/** A request's `Cookie` header as name → value (the first of a repeated name; values percent-decoded where they can be). */
export function parseCookies(header: string | undefined | null): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      /* keep it as sent */
    }
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

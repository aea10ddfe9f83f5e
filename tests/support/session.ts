import { decode, encode } from 'next-auth/jwt';

/** Cookie jar of one: collects Set-Cookie answers into a Cookie header. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }
}

/**
 * Signs in through next-auth's real credentials flow (dev mode), as a browser
 * would: fetch the CSRF token, post the form to the `dev` provider's callback.
 */
export async function signInAs(baseUrl: string, username: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  jar.store(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/dev`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header(), Origin: baseUrl },
    body: new URLSearchParams({ csrfToken, username, json: 'true', callbackUrl: baseUrl + '/' }),
  });
  jar.store(res);
  if (!jar.has('next-auth.session-token')) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  return jar;
}

/** Signs out through next-auth (which revokes the session server-side). */
export async function signOut(baseUrl: string, jar: CookieJar): Promise<void> {
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`, { headers: { Cookie: jar.header() } });
  jar.store(csrfRes);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/signout`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header(), Origin: baseUrl },
    body: new URLSearchParams({ csrfToken, json: 'true' }),
  });
  if (res.status >= 400) throw new Error(`sign-out failed: ${res.status}`);
}

/**
 * A session cookie for any name and groups, as next-auth would mint it after an
 * SSO sign-in (the portal must share `secret`); `signedInAt` (epoch seconds)
 * defaults to now.
 */
export async function mintSessionCookie(
  secret: string,
  { name, sid, groups = [], signedInAt = Math.floor(Date.now() / 1000), maxAge }: { name: string; sid: string; groups?: string[]; signedInAt?: number; maxAge?: number },
): Promise<string> {
  const token = await encode({ token: { name, sid, groups, signedInAt }, secret, maxAge });
  return `next-auth.session-token=${token}`;
}

/** The claims of the session token in `jar` (the test knows the portal's secret). */
export async function sessionClaimsOf(jar: CookieJar, secret: string): Promise<Record<string, unknown>> {
  const token = jar.get('next-auth.session-token');
  const payload = token ? await decode({ token, secret }) : null;
  if (!payload) throw new Error('the jar holds no readable session token');
  return payload;
}

/**
 * Asks next-auth for the session (`GET /api/auth/session`), as a browser tab
 * keeping it alive would. Answers the body, and the session token the answer
 * set: a new value, '' when it cleared the cookie, undefined when it set none.
 */
export async function refreshSession(baseUrl: string, cookieHeader: string): Promise<{ body: Record<string, unknown>; token: string | undefined }> {
  const res = await fetch(`${baseUrl}/api/auth/session`, { headers: { Cookie: cookieHeader } });
  if (res.status !== 200) throw new Error(`session refresh answered ${res.status}`);
  let token: string | undefined;
  for (const line of res.headers.getSetCookie()) {
    const match = /^next-auth\.session-token=([^;]*)/.exec(line);
    if (match) token = /max-age=0|expires=thu, 01 jan 1970/i.test(line) ? '' : match[1];
  }
  return { body: (await res.json()) as Record<string, unknown>, token };
}

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

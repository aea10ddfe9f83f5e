'use client';

import { getProviders, signIn } from 'next-auth/react';
import { useEffect, useState } from 'react';
import { DEMO_USERS } from '@/lib/demoUsers';

type Providers = Awaited<ReturnType<typeof getProviders>>;

/** One SSO button, or (in dev mode) one button per demo user. */
export function SignInPanel({ callbackUrl }: { callbackUrl: string }) {
  const [providers, setProviders] = useState<Providers | undefined>(undefined);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void getProviders().then((p) => live && setProviders(p));
    return () => {
      live = false;
    };
  }, []);

  if (providers === undefined) return <p className="muted">Loading sign-in options…</p>;
  if (!providers) return <p role="alert">Sign-in is not available right now. Reload the page to try again.</p>;

  if (providers.dev) {
    return (
      <section aria-label="Demo users">
        <p className="muted">Development sign-in: choose a demo user. Each sees the simulated cluster through their own Kubernetes permissions.</p>
        <ul className="demo-users">
          {DEMO_USERS.map((user) => (
            <li key={user.name}>
              <button
                type="button"
                disabled={busy !== null}
                onClick={() => {
                  setBusy(user.name);
                  void signIn('dev', { username: user.name, callbackUrl });
                }}
              >
                Sign in as <strong>{user.name}</strong>
              </button>
              <span className="muted">{user.access}</span>
            </li>
          ))}
        </ul>
      </section>
    );
  }

  return (
    <button
      type="button"
      className="sso"
      disabled={busy !== null}
      onClick={() => {
        setBusy('oidc');
        void signIn('oidc', { callbackUrl });
      }}
    >
      Sign in with SSO
    </button>
  );
}

import type { Metadata } from 'next';
import { callbackPath } from '@/server/auth/callbackUrl';
import { isLoopback } from '@/server/config';
import { getRuntime } from '@/server/runtime';
import { SignInPanel } from '../components/SignInPanel';

const ERRORS: Record<string, string> = {
  CredentialsSignin: 'That demo user does not exist. Pick one of the users below.',
  OAuthCallback: 'The sign-in provider’s answer could not be verified (it may have been replayed or tampered with). Please try again.',
  OAuthSignin: 'Could not start sign-in with the identity provider. Please try again.',
  Callback: 'The sign-in could not be completed. Please try again.',
  OAuthAccountNotLinked: 'This account cannot be used to sign in here.',
  AccessDenied: 'The identity provider refused the sign-in.',
  SessionRequired: 'Please sign in to continue.',
  Configuration: 'Sign-in is misconfigured on the server. Ask the portal’s operators.',
};

/** Only pages of this portal, by the rule the server applies to callbackUrl; anything else is the root. */
function safeCallback(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return (value && callbackPath(value)) ?? '/';
}

export const metadata: Metadata = { title: 'Sign in' };

/** With the development sign-in, who can reach it: only this machine, or (HOST set) anyone on the network. */
function DevSignInNotice() {
  const { config, auth } = getRuntime();
  if (auth.settings.mode !== 'dev') return null;
  const host = config.host ?? '';
  if (isLoopback(host)) {
    return (
      <p className="muted signin-notice" data-testid="dev-signin-notice">
        Development sign-in: this portal listens on {host} only, so only this machine can use it. Set HOST to listen elsewhere; with SSO (CROWSNEST_AUTH=oidc) it is safe to.
      </p>
    );
  }
  return (
    <p className="signin-warning" role="alert" data-testid="dev-signin-notice">
      Development sign-in on {host}: anyone who can reach this portal can sign in as any demo user, including a cluster-admin. Use SSO (CROWSNEST_AUTH=oidc) for anything shared.
    </p>
  );
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const code = Array.isArray(params.error) ? params.error[0] : params.error;
  const error = code ? (ERRORS[code] ?? 'Sign-in failed. Please try again.') : undefined;
  return (
    <main className="signin">
      <h1>Sign in to Crowsnest</h1>
      {error ? (
        <p role="alert" className="signin-error">
          {error}
        </p>
      ) : null}
      <SignInPanel callbackUrl={safeCallback(params.callbackUrl)} />
      <DevSignInNotice />
    </main>
  );
}

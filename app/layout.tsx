import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { parseTheme, THEME_COOKIE } from '@/lib/ui/theme';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Crowsnest', template: '%s — Crowsnest' },
  description: 'Your Kubernetes clusters, live',
  // Under /static/ so the custom server serves them before sign-in, like every asset.
  icons: {
    icon: [{ url: '/favicon.ico', sizes: '48x48' }, { url: '/static/icon.svg', type: 'image/svg+xml' }],
    apple: '/static/apple-touch-icon.png',
  },
  manifest: '/static/site.webmanifest',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // The chosen theme is in the HTML itself (no script needed, none to wait for): no flash of the other one.
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" data-theme={theme === 'system' ? undefined : theme}>
      <body>{children}</body>
    </html>
  );
}

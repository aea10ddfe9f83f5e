import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Crowsnest',
  description: 'Your Kubernetes clusters, live',
  // Under /static/ so the custom server serves them before sign-in, like every asset.
  icons: {
    icon: [{ url: '/favicon.ico', sizes: '48x48' }, { url: '/static/icon.svg', type: 'image/svg+xml' }],
    apple: '/static/apple-touch-icon.png',
  },
  manifest: '/static/site.webmanifest',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from '../support/portal';

describe('public/: favicon, icons and the web manifest', () => {
  let portal: Portal;

  beforeAll(async () => {
    portal = await startPortal({ CROWSNEST_DEMO: '1' });
  });
  afterAll(async () => {
    await portal?.stop('SIGKILL');
  });

  it('are linked from every page and served before sign-in, cached for a month', async () => {
    const page = await fetch(`${portal.url}/signin`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const links = [...html.matchAll(/<link rel="(icon|apple-touch-icon|manifest)" href="([^"]+)"/g)].map((m) => m[2]);
    expect(links.sort()).toEqual(['/favicon.ico', '/static/apple-touch-icon.png', '/static/icon.svg', '/static/site.webmanifest']);
    const manifest = (await (await fetch(`${portal.url}/static/site.webmanifest`)).json()) as { icons: { src: string; type: string }[]; start_url: string };
    expect(manifest.start_url).toBe('/');
    for (const path of [...links, ...manifest.icons.map((icon) => icon.src)]) {
      const res = await fetch(`${portal.url}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('public, max-age=2592000, stale-while-revalidate=86400');
      expect((await res.arrayBuffer()).byteLength, path).toBeGreaterThan(100);
    }
    expect((await fetch(`${portal.url}/static/icon.svg`)).headers.get('content-type')).toContain('image/svg+xml');
  });
});

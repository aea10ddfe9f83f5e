import type { ServerResponse } from 'node:http';
import type { Theme } from '../../lib/ui/theme';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** The dark colours of app/globals.css, for the chosen dark theme and for `system` on a dark screen. */
const DARK = 'color-scheme:dark;--bg:#0e1013;--text:#e5e8ed;--muted:#9aa3b0;--accent:#8da2ff';

/**
 * A page the server answers itself, before Next (a request Next could not
 * route): plain HTML without scripts, in the person's chosen theme (the
 * `crowsnest-theme` cookie, on `<html data-theme>` as the app's pages have it;
 * `system` follows the screen), under a policy that allows nothing but its own
 * inline style.
 */
export function sendErrorPage(res: ServerResponse, status: number, title: string, message: string, requestId: string, theme: Theme): void {
  const body = `<!doctype html>
<html lang="en"${theme === 'system' ? '' : ` data-theme="${theme}"`}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${status} ${escapeHtml(title)} — Crowsnest</title>
<style>
:root{color-scheme:light;--bg:#f6f7f9;--text:#1a1d23;--muted:#5a6270;--accent:#3b5bdb}
@media (prefers-color-scheme:dark){:root:not([data-theme='light']){${DARK}}}
:root[data-theme='dark']{${DARK}}
body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:40rem;margin:12vh auto;padding:0 1.5rem}
.code{font-size:.85rem;font-weight:600;letter-spacing:.08em;color:var(--muted);margin:0}
h1{margin:.2rem 0 .8rem}
a{color:var(--accent)}
.muted{color:var(--muted);font-size:.85rem}
</style></head>
<body><main data-testid="error-page"><p class="code">${status}</p><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p><a href="/">All clusters</a></p><p class="muted">Request id ${escapeHtml(requestId)}</p></main></body></html>
`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

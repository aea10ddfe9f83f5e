import type { Browser, Page } from 'playwright-core';
import { until } from '../support/until';

/** Signs in through the real sign-in page as a demo user, in a fresh browser context, and opens `path`. */
export async function signedInPage(browser: Browser, baseUrl: string, user: 'alice' | 'bob' | 'carol', path = '/'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(baseUrl + '/signin');
  await page.getByRole('button', { name: new RegExp(`Sign in as ${user}`) }).click();
  await page.waitForURL((url) => url.pathname === '/');
  if (path !== '/') await page.goto(baseUrl + path);
  return page;
}

/** The `namespace/name` of every list row in the DOM (only those rendered: the list is virtualised). */
export function renderedRows(page: Page): Promise<string[]> {
  return page.locator('[data-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-row') ?? ''));
}

/** Opens a detail page's tab, clicking again until it is selected (a click during hydration can be lost). */
export function openTab(page: Page, name: string): Promise<boolean> {
  return until(
    async () => {
      const tab = page.getByRole('tab', { name });
      // A tab Kubernetes refuses is aria-disabled yet selectable (its panel says why): Playwright would wait
      // for it to be enabled, so it is clicked without that wait, as a person's click reaches it.
      if ((await tab.getAttribute('aria-disabled', { timeout: 5_000 })) === 'true') await tab.click({ force: true });
      else await tab.click({ timeout: 5_000 });
      return (await tab.getAttribute('aria-selected')) === 'true';
    },
    { message: `the ${name} tab`, intervalMs: 250 },
  );
}

import type { Page } from 'playwright-core';
import { screenshot } from '../support/browser';

/** Screenshots of the page as it is, in the light and the dark theme (the system's choice, which the portal follows by default). */
export async function screenshotBothThemes(page: Page, name: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await screenshot(page, `${name}-${colorScheme}`);
  }
  await page.emulateMedia({ colorScheme: null });
}

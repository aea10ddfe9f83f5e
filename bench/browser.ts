/**
 * The browser side: Chromium (Debian's, through Playwright) on the pods list of a
 * 10,000-pod cluster changing 1,000 times a second. Measures the time from
 * navigation to the first rows, and the longest main-thread tasks while the
 * changes arrive (the Long Tasks API: every task over 50 ms).
 */
import { launchBrowser } from '../tests/support/browser';
import { signedInPage } from '../tests/e2e/portal-support';
import { startPortalOn, startSim } from './processes';
import type { Settings } from './scenarios';

export interface BrowserPoint {
  pods: number;
  rate: number;
  /** Navigation start → the first list row in the DOM, ms. */
  firstRowsMs: number;
  /** Navigation start → the row count showing every pod, ms. */
  allCountedMs: number | null;
  /** Tasks over 50 ms while changes arrived (after the first rows had settled), and the longest. */
  seconds: number;
  longTasks: number;
  longestTaskMs: number;
  /** The longest task during the first load, for comparison. */
  longestLoadTaskMs: number;
}

declare global {
  interface Window {
    __bench?: { tasks: { start: number; duration: number }[]; firstRowAt?: number };
  }
}

export async function browserPoint(pods: number, rate: number, seconds: number, s: Settings): Promise<BrowserPoint> {
  const sim = await startSim(s.dir, pods, rate);
  const portal = await startPortalOn(sim).catch(async (err) => {
    await sim.stop();
    throw err;
  });
  const browser = await launchBrowser();
  try {
    const page = await signedInPage(browser, portal.url, 'alice');
    await page.addInitScript(() => {
      const bench: NonNullable<Window['__bench']> = { tasks: [] };
      window.__bench = bench;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) bench.tasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
      // A cheap look every few milliseconds (a DOM query), until the first row is there.
      const look = setInterval(() => {
        if (document.querySelector('[data-row]')) {
          bench.firstRowAt = performance.now();
          clearInterval(look);
        }
      }, 4);
    });
    await page.goto(`${portal.url}/clusters/sim/pods`);
    await page.waitForSelector('[data-row]', { timeout: 60_000 });
    const firstRowsMs = await page.evaluate(() => window.__bench?.firstRowAt ?? NaN);
    const count = page.getByTestId('row-count');
    const deadline = Date.now() + 60_000;
    let allCountedMs: number | null = null;
    while (Date.now() < deadline) {
      if (Number(await count.textContent().catch(() => '0')) >= pods * 0.95) {
        allCountedMs = await page.evaluate(() => performance.now());
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    // Let the first render settle, then watch the main thread while the changes stream in.
    await new Promise((r) => setTimeout(r, 2000));
    const from = await page.evaluate(() => performance.now());
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const tasks = await page.evaluate(() => window.__bench?.tasks ?? []);
    const during = tasks.filter((t) => t.start >= from);
    const load = tasks.filter((t) => t.start < from);
    const point: BrowserPoint = {
      pods,
      rate,
      firstRowsMs: Math.round(firstRowsMs),
      allCountedMs: allCountedMs === null ? null : Math.round(allCountedMs),
      seconds,
      longTasks: during.length,
      longestTaskMs: Math.round(Math.max(0, ...during.map((t) => t.duration))),
      longestLoadTaskMs: Math.round(Math.max(0, ...load.map((t) => t.duration))),
    };
    s.log(`    browser, ${pods} pods × ${rate}/s: first rows ${point.firstRowsMs} ms, ${point.longTasks} long tasks in ${seconds} s, longest ${point.longestTaskMs} ms (load: ${point.longestLoadTaskMs} ms)`);
    return point;
  } finally {
    await browser.close();
    await portal.stop();
    await sim.stop();
  }
}

/**
 * The browser side: Chromium (Debian's, through Playwright) on the pods list of a
 * 10,000-pod cluster changing 1,000 times a second. Measures the time from
 * navigation to the first rows, and the longest main-thread tasks while the
 * changes arrive (the Long Tasks API: every task over 50 ms).
 *
 * The list is opened twice, each time in a fresh browser context (empty cache):
 * first on a portal that has never been asked for pods (its informer starts and
 * lists 10,000 pods from the API server while the page waits), then again once
 * the portal holds them, as it does whenever anyone else has the list open.
 * The second visit is the one watched while the changes arrive.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { launchBrowser } from '../tests/support/browser';
import { signedInPage } from '../tests/e2e/portal-support';
import { startPortalOn, startSim } from './processes';
import type { Settings } from './scenarios';

export interface BrowserPoint {
  pods: number;
  rate: number;
  /** Navigation start → the first list row in the DOM, ms, on a portal already holding the pods. */
  firstRowsMs: number;
  /** The same on the portal's first demand for pods (its informer's first list included). */
  firstRowsColdMs: number;
  /** When the page asked for the snapshot, its first and its last byte arrived (navigation start = 0), ms; null when it was not fetched. */
  snapshotRequest: { startMs: number; firstByteMs: number; endMs: number } | null;
  /** Navigation start → the row count showing every pod, ms. */
  allCountedMs: number | null;
  /** Tasks over 50 ms while changes arrived (after the first rows had settled), and the longest. */
  seconds: number;
  longTasks: number;
  longestTaskMs: number;
  /** The longest task during the first load, for comparison. */
  longestLoadTaskMs: number;
  /**
   * What the longest animation frame while changes arrived was spent on (Long Animation Frames: scripts over 5 ms,
   * rendering, all scripts together): the page's own work, or a renderer starved of CPU or collecting garbage.
   */
  longestFrame: { durationMs: number; scripts: string[] } | null;
}

export interface BrowserOptions {
  /** Where to write CPU profiles of the page (Chrome DevTools' .cpuprofile): one of the load, one while the changes arrive. */
  profileDir?: string;
}

declare global {
  interface Window {
    __bench?: { tasks: { start: number; duration: number }[]; frames: { start: number; duration: number; scripts: string[] }[]; firstRowAt?: number };
  }
}

const LIST = '/clusters/sim/pods';

export async function browserPoint(pods: number, rate: number, seconds: number, s: Settings, options: BrowserOptions = {}): Promise<BrowserPoint> {
  const sim = await startSim(s.dir, pods, rate);
  const portal = await startPortalOn(sim).catch(async (err) => {
    await sim.stop();
    throw err;
  });
  const browser = await launchBrowser();
  try {
    const cold = await openList(browser, portal.url);
    const firstRowsColdMs = await firstRowAt(cold);
    await cold.context().close();

    const page = await openList(browser, portal.url, { beforeNavigation: options.profileDir ? startProfile : undefined });
    const firstRowsMs = await firstRowAt(page);
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
    const snapshotRequest = await page.evaluate((path) => {
      const entry = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === path) as PerformanceResourceTiming | undefined;
      return entry ? { startMs: Math.round(entry.startTime), firstByteMs: Math.round(entry.responseStart), endMs: Math.round(entry.responseEnd) } : null;
    }, `/api${LIST}`);
    // Let the first render settle, then watch the main thread while the changes stream in.
    await new Promise((r) => setTimeout(r, 2000));
    const profiler = profilers.get(page);
    if (profiler && options.profileDir) {
      await profiler.save(join(options.profileDir, `load-${pods}.cpuprofile`));
      await profiler.start();
    }
    const from = await page.evaluate(() => performance.now());
    await new Promise((r) => setTimeout(r, seconds * 1000));
    if (profiler && options.profileDir) await profiler.save(join(options.profileDir, `changes-${pods}x${rate}.cpuprofile`));
    const tasks = await page.evaluate(() => window.__bench?.tasks ?? []);
    const during = tasks.filter((t) => t.start >= from);
    const load = tasks.filter((t) => t.start < from);
    const frames = (await page.evaluate(() => window.__bench?.frames ?? [])).filter((f) => f.start >= from);
    const longestFrame = frames.reduce<(typeof frames)[number] | null>((a, f) => (!a || f.duration > a.duration ? f : a), null);
    const point: BrowserPoint = {
      pods,
      rate,
      firstRowsMs,
      firstRowsColdMs,
      snapshotRequest,
      allCountedMs: allCountedMs === null ? null : Math.round(allCountedMs),
      seconds,
      longTasks: during.length,
      longestTaskMs: Math.round(Math.max(0, ...during.map((t) => t.duration))),
      longestLoadTaskMs: Math.round(Math.max(0, ...load.map((t) => t.duration))),
      longestFrame: longestFrame && { durationMs: Math.round(longestFrame.duration), scripts: longestFrame.scripts },
    };
    s.log(
      `    browser, ${pods} pods × ${rate}/s: first rows ${point.firstRowsMs} ms (portal's first demand: ${point.firstRowsColdMs} ms), ${point.longTasks} long tasks in ${seconds} s, longest ${point.longestTaskMs} ms (load: ${point.longestLoadTaskMs} ms)`,
    );
    return point;
  } finally {
    await browser.close();
    await portal.stop();
    await sim.stop();
  }
}

/** Signs in (fresh context), then opens the pods list with the long-task and first-row watchers installed. */
async function openList(browser: Browser, url: string, { beforeNavigation }: { beforeNavigation?: (page: Page) => Promise<void> } = {}): Promise<Page> {
  const page = await signedInPage(browser, url, 'alice');
  await page.addInitScript(() => {
    const bench: NonNullable<Window['__bench']> = { tasks: [], frames: [] };
    window.__bench = bench;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.tasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
    type Script = { invoker: string; sourceFunctionName: string; duration: number };
    type Frame = PerformanceEntry & { scripts?: Script[]; renderStart?: number; styleAndLayoutStart?: number };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as Frame[]) {
        const end = e.startTime + e.duration;
        const scripts = (e.scripts ?? []).filter((x) => x.duration > 5).map((x) => `${x.invoker}${x.sourceFunctionName ? ` ${x.sourceFunctionName}` : ''}: ${Math.round(x.duration)} ms`);
        const scripted = Math.round((e.scripts ?? []).reduce((sum, x) => sum + x.duration, 0));
        if (e.renderStart) scripts.push(`rendering: ${Math.round(end - e.renderStart)} ms (style and layout ${e.styleAndLayoutStart ? Math.round(end - e.styleAndLayoutStart) : 0} ms)`);
        scripts.push(`all scripts: ${scripted} ms`);
        bench.frames.push({ start: e.startTime, duration: e.duration, scripts });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
    // A cheap look every few milliseconds (a DOM query), until the first row is there.
    const look = setInterval(() => {
      if (document.querySelector('[data-row]')) {
        bench.firstRowAt = performance.now();
        clearInterval(look);
      }
    }, 4);
  });
  await beforeNavigation?.(page);
  await page.goto(url + LIST);
  return page;
}

async function firstRowAt(page: Page): Promise<number> {
  await page.waitForSelector('[data-row]', { timeout: 60_000 });
  return Math.round(await page.evaluate(() => window.__bench?.firstRowAt ?? NaN));
}

interface Profiler {
  start(): Promise<unknown>;
  save(file: string): Promise<void>;
}

const profilers = new WeakMap<Page, Profiler>();

/** Starts the page's JavaScript CPU profile through CDP; `profilers` holds how to save it (the format DevTools opens). */
async function startProfile(page: Page): Promise<void> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  const start = () => cdp.send('Profiler.start');
  await start();
  profilers.set(page, {
    start,
    async save(file: string) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
    },
  });
}

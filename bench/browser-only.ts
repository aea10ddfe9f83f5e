/**
 * `npm run bench -- --browser-only [--runs <n>] [--pods <n>] [--rate <n>] [--profile <dir>]`:
 * only the browser point (10,000 pods × 1,000 changes/s by default), run n times
 * in a row, for iterating on the list page. Prints each run and the machine's load;
 * writes no results file. With --profile, CPU profiles of the page go to <dir>.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { browserPoint } from './browser';
import type { Settings } from './scenarios';

function option(name: string, fallback: number): number;
function option(name: string): string | undefined;
function option(name: string, fallback?: number): number | string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const text = i === -1 ? undefined : process.argv[i + 1];
  if (fallback === undefined) return text;
  const n = Number(text ?? fallback);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} wants a positive whole number, not ${text}`);
  return n;
}

export async function browserOnly(): Promise<void> {
  const runs = option('runs', 1);
  const pods = option('pods', 10_000);
  const rate = option('rate', 1000);
  const seconds = option('seconds', 10);
  const profile = option('profile');
  const profileDir = profile ? resolve(profile) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'crowsnest-bench-'));
  const s: Settings = { dir, clients: 0, pods, windowSeconds: seconds, drainSeconds: 0, openSeconds: 0, log: (line) => console.log(line) };
  try {
    for (let i = 0; i < runs; i++) {
      const load = loadavg()[0].toFixed(2);
      const p = await browserPoint(pods, rate, seconds, s, { profileDir });
      console.log(`run ${i + 1}/${runs} (load ${load} → ${loadavg()[0].toFixed(2)}): first rows ${p.firstRowsMs} ms (portal's first demand ${p.firstRowsColdMs} ms; snapshot asked at ${p.snapshotRequest?.startMs ?? '-'}, first byte at ${p.snapshotRequest?.firstByteMs ?? '-'}, in at ${p.snapshotRequest?.endMs ?? '-'} ms), all counted ${p.allCountedMs} ms, longest task while changing ${p.longestTaskMs} ms (${p.longTasks} over 50 ms), longest during load ${p.longestLoadTaskMs} ms`);
      if (p.longestFrame) console.log(`  longest frame while changing: ${p.longestFrame.durationMs} ms, ${p.longestFrame.scripts.join('; ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

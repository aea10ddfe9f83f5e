/**
 * The five-field cron syntax CronJobs use (minute hour day-of-month month
 * day-of-week): `*`, `*\/n`, `a-b`, `a-b/n`, lists `a,b,c`, month and weekday names,
 * 7 as Sunday, and the @hourly/@daily/@weekly/@monthly/@yearly shorthands. Times are
 * UTC. When both day fields are restricted a day matching either runs, as in cron.
 */

export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  /** Both day fields restricted: either may match. */
  dayOr: boolean;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function value(text: string, field: string, min: number, max: number, names?: string[], namesFrom = 0): number {
  const named = names?.indexOf(text.toLowerCase()) ?? -1;
  const n = named >= 0 ? named + namesFrom : /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(n) || n < min || n > max) throw new Error(`invalid ${field} "${text}" in schedule: expected ${min}-${max}`);
  return n;
}

function parseField(text: string, field: string, min: number, max: number, names?: string[], namesFrom = 0): { set: Set<number>; star: boolean } {
  const set = new Set<number>();
  let star = false;
  for (const part of text.split(',')) {
    const m = part.match(/^([^/]+)(?:\/(\d+))?$/);
    if (!m) throw new Error(`invalid ${field} "${part}" in schedule`);
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) throw new Error(`invalid step in ${field} "${part}"`);
    let lo: number;
    let hi: number;
    if (m[1] === '*' || m[1] === '?') {
      [lo, hi] = [min, max];
      if (m[2] === undefined) star = true;
    } else if (m[1].includes('-')) {
      const [a, b] = m[1].split('-');
      lo = value(a, field, min, max, names, namesFrom);
      hi = value(b, field, min, max, names, namesFrom);
      if (hi < lo) throw new Error(`invalid range "${m[1]}" in ${field}`);
    } else {
      lo = value(m[1], field, min, max, names, namesFrom);
      hi = m[2] === undefined ? lo : max;
    }
    for (let v = lo; v <= hi; v += step) set.add(v);
  }
  return { set, star };
}

export function parseCron(text: string): CronSchedule {
  const expr = MACROS[text.trim().toLowerCase()] ?? text.trim().replace(/^(CRON_)?TZ=\S+\s+/, '');
  const f = expr.split(/\s+/);
  if (f.length !== 5) throw new Error(`invalid schedule "${text}": expected 5 fields, got ${f.length}`);
  const minutes = parseField(f[0], 'minute', 0, 59);
  const hours = parseField(f[1], 'hour', 0, 23);
  const days = parseField(f[2], 'day of month', 1, 31);
  const months = parseField(f[3], 'month', 1, 12, MONTHS, 1);
  const weekdays = parseField(f[4], 'day of week', 0, 7, DAYS, 0);
  if (weekdays.set.has(7)) {
    weekdays.set.delete(7);
    weekdays.set.add(0);
  }
  return { minutes: minutes.set, hours: hours.set, days: days.set, months: months.set, weekdays: weekdays.set, dayOr: !days.star && !weekdays.star };
}

function dayMatches(s: CronSchedule, d: Date): boolean {
  const dom = s.days.has(d.getUTCDate());
  const dow = s.weekdays.has(d.getUTCDay());
  return s.dayOr ? dom || dow : dom && dow;
}

/** The first time strictly after `after` (ms) the schedule fires, or undefined within ~5 years. */
export function nextRun(s: CronSchedule, after: number): number | undefined {
  const d = new Date(Math.floor(after / 60_000) * 60_000 + 60_000);
  const limit = after + 5 * 366 * 86_400_000;
  while (d.getTime() <= limit) {
    if (!s.months.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(s, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!s.hours.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!s.minutes.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return d.getTime();
  }
  return undefined;
}

/** The latest time in (`after`, `until`] the schedule fired, if any (looking back a day at most). */
export function lastRunBetween(s: CronSchedule, after: number, until: number): number | undefined {
  let last: number | undefined;
  let t = nextRun(s, Math.max(after, until - 86_400_000));
  let guard = 0;
  while (t !== undefined && t <= until && guard++ < 2000) {
    last = t;
    t = nextRun(s, t);
  }
  return last;
}

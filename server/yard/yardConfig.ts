import { ConfigError } from '../config';
import { yardIdSchema } from '../../lib/yard/model';

/** A yard named in the settings: who may change it and who may only look. */
export interface ConfiguredYard {
  id: string;
  editGroups: string[];
  viewGroups: string[];
}

/** The Yard's settings, read once from the environment at start-up. */
export interface YardConfig {
  /** Team yards (CROWSNEST_YARDS): `<id>=<edit groups>[/<view groups>]`, separated by `;`, groups by `,`. */
  yards: ConfiguredYard[];
  /** Where yards are kept without Redis (CROWSNEST_DATA_DIR); unset: in memory only, lost on restart. */
  dataDir?: string;
  /** A yard's document may not grow beyond this (CROWSNEST_YARD_MAX_BYTES). */
  maxDocumentBytes: number;
  /** Krates per yard (CROWSNEST_YARD_MAX_KRATES). */
  maxKrates: number;
  /** Changes per second one person may send to one yard, with bursts of twice that (CROWSNEST_YARD_UPDATES_PER_SECOND). */
  updatesPerSecond: number;
  /** Groups that may open, change, rename and delete every yard (CROWSNEST_ADMIN_GROUPS). */
  adminGroups: string[];
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

const groups = (text: string) =>
  text
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);

/** `team-a=team-a/team-b;platform=platform-admins` → two yards. */
export function parseYards(text: string): ConfiguredYard[] {
  const yards: ConfiguredYard[] = [];
  for (const entry of text.split(';').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    if (eq < 0) throw new ConfigError(`CROWSNEST_YARDS: "${entry}" must be <id>=<groups that edit>[/<groups that view>]`);
    const id = entry.slice(0, eq).trim();
    if (!yardIdSchema.safeParse(id).success || id.startsWith('~')) throw new ConfigError(`CROWSNEST_YARDS: "${id}" is not a yard id (letters, digits, "-" and "_")`);
    if (yards.some((y) => y.id === id)) throw new ConfigError(`CROWSNEST_YARDS: yard "${id}" is named twice`);
    const [edit = '', view = '', ...rest] = entry.slice(eq + 1).split('/');
    if (rest.length) throw new ConfigError(`CROWSNEST_YARDS: "${entry}" has more than one "/"`);
    const editGroups = groups(edit);
    if (!editGroups.length) throw new ConfigError(`CROWSNEST_YARDS: yard "${id}" names no group that may edit it`);
    yards.push({ id, editGroups, viewGroups: groups(view) });
  }
  return yards;
}

export function readYardConfig(env: Env = process.env): YardConfig {
  return {
    yards: parseYards(env.CROWSNEST_YARDS ?? ''),
    dataDir: env.CROWSNEST_DATA_DIR || undefined,
    maxDocumentBytes: integer(env, 'CROWSNEST_YARD_MAX_BYTES', 512 * 1024, 4096, 64 * 1024 * 1024),
    maxKrates: integer(env, 'CROWSNEST_YARD_MAX_KRATES', 100, 1, 10_000),
    updatesPerSecond: integer(env, 'CROWSNEST_YARD_UPDATES_PER_SECOND', 30, 1, 10_000),
    adminGroups: groups(env.CROWSNEST_ADMIN_GROUPS ?? ''),
  };
}

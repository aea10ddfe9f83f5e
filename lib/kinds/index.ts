/**
 * The kinds registry: every built-in kind Crowsnest lists, in sidebar order, and
 * the CROWSNEST_WATCH_STREAMS grammar that switches their streams on and off.
 * Adding a kind: write `lib/kinds/<token>.ts` and add its line to BUILTIN_KINDS.
 */
import { configmaps } from './configmaps';
import { cronjobs } from './cronjobs';
import { crds } from './crds';
import { daemonsets } from './daemonsets';
import { deployments } from './deployments';
import { endpointslices } from './endpointslices';
import { events } from './events';
import { horizontalpodautoscalers } from './horizontalpodautoscalers';
import { ingressclasses } from './ingressclasses';
import { ingresses } from './ingresses';
import { jobs } from './jobs';
import { namespaces } from './namespaces';
import { networkpolicies } from './networkpolicies';
import { nodes } from './nodes';
import { poddisruptionbudgets } from './poddisruptionbudgets';
import { pods } from './pods';
import { priorityclasses } from './priorityclasses';
import { pvcs } from './pvcs';
import { pvs } from './pvs';
import { replicasets } from './replicasets';
import { runtimeclasses } from './runtimeclasses';
import { secrets } from './secrets';
import { services } from './services';
import { statefulsets } from './statefulsets';
import { storageclasses } from './storageclasses';
import type { KindDefinition, KindGroup } from './types';

export type { CellValue, Column, ColumnType, KindDefinition, KindGroup, KubeObject, OwnerRef, Row, Tone } from './types';
export { customResourceKind } from './customResource';

export const BUILTIN_KINDS: readonly KindDefinition[] = Object.freeze([
  pods,
  events,
  deployments,
  statefulsets,
  daemonsets,
  replicasets,
  jobs,
  cronjobs,
  horizontalpodautoscalers,
  poddisruptionbudgets,
  services,
  ingresses,
  networkpolicies,
  endpointslices,
  ingressclasses,
  pvs,
  pvcs,
  storageclasses,
  nodes,
  namespaces,
  priorityclasses,
  runtimeclasses,
  configmaps,
  secrets,
  crds,
]);

const BY_TOKEN = new Map(BUILTIN_KINDS.map((kind) => [kind.token, kind]));

/** The built-in kind with this token (exact, lower-case), or undefined. Custom resource kinds come from `customResourceKind`. */
export function kindByToken(token: string): KindDefinition | undefined {
  return BY_TOKEN.get(token);
}

export interface KindGroupEntry {
  alias: Exclude<KindGroup, 'custom'>;
  title: string;
  /** Built-in kind tokens of the group, in registry order. */
  tokens: readonly string[];
}

const GROUP_TITLES: ReadonlyArray<[KindGroupEntry['alias'], string]> = [
  ['core', 'Core'],
  ['workloads', 'Workloads'],
  ['networking', 'Networking'],
  ['storage', 'Storage'],
  ['cluster', 'Cluster'],
  ['config', 'Config'],
];

/**
 * The group aliases with their built-in kinds, in sidebar order. The `custom`
 * group is not listed: its kinds exist only while their CRDs do.
 */
export const KIND_GROUPS: readonly KindGroupEntry[] = Object.freeze(
  GROUP_TITLES.map(([alias, title]) => ({ alias, title, tokens: BUILTIN_KINDS.filter((kind) => kind.alias === alias).map((kind) => kind.token) })),
);

/**
 * The member of `WatchStreams.enabled` that stands for every custom resource kind
 * (`<plural>.<group>`): those kinds come and go with their CRDs, so they are
 * switched as one group. Use `isWatchStreamEnabled` rather than reading it directly.
 */
export const CUSTOM_STREAMS = 'custom';

export interface WatchStreams {
  /** Built-in kind tokens whose watch streams are on, plus `custom` when custom resource streams are on. */
  enabled: Set<string>;
}

function validTokens(): string {
  return ['all', 'off', 'none', ...KIND_GROUPS.map((group) => group.alias), CUSTOM_STREAMS, ...BUILTIN_KINDS.map((kind) => kind.token)].join(', ');
}

function expand(item: string, value: string): string[] {
  if (item === 'all') return [...BUILTIN_KINDS.map((kind) => kind.token), CUSTOM_STREAMS];
  if (item === CUSTOM_STREAMS) return [CUSTOM_STREAMS];
  const group = KIND_GROUPS.find((entry) => entry.alias === item);
  if (group) return [...group.tokens];
  if (BY_TOKEN.has(item)) return [item];
  throw new Error(`CROWSNEST_WATCH_STREAMS=${JSON.stringify(value)}: unknown token "${item}". Valid tokens: ${validTokens()}`);
}

/**
 * Parses CROWSNEST_WATCH_STREAMS (DESIGN.md §3):
 *
 *   unset, empty, `all`     every built-in kind and custom resources
 *   `off` or `none`         no watch streams (snapshots still work; the UI polls)
 *   `pods,workloads`        the listed kind tokens and group aliases (`custom` = custom resources)
 *   `all,-secrets`          `-x` removes a kind or group; a list of removals only
 *   `-secrets,-events`      starts from everything
 *
 * Items are comma-separated, case-insensitive, and may have spaces around them.
 * Removals apply after additions, whatever their order. An unknown token, a bare
 * `-`, or `off`/`none` mixed with other items throws an Error naming the item and
 * listing the valid tokens, so a typo stops start-up instead of silently
 * disabling a stream.
 */
export function parseWatchStreams(value: string | undefined): WatchStreams {
  const items = (value ?? '')
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
  if (items.length === 0) return { enabled: new Set(expand('all', '')) };
  if (items.some((item) => item === 'off' || item === 'none')) {
    if (items.length === 1) return { enabled: new Set() };
    throw new Error(`CROWSNEST_WATCH_STREAMS=${JSON.stringify(value)}: "off"/"none" cannot be combined with other tokens`);
  }
  const additions = items.filter((item) => !item.startsWith('-'));
  const removals = items.filter((item) => item.startsWith('-')).map((item) => item.slice(1).trim());
  const enabled = new Set(additions.length > 0 ? additions.flatMap((item) => expand(item, value ?? '')) : expand('all', ''));
  for (const item of removals) {
    if (item === '') throw new Error(`CROWSNEST_WATCH_STREAMS=${JSON.stringify(value)}: "-" must be followed by a token. Valid tokens: ${validTokens()}`);
    for (const token of expand(item, value ?? '')) enabled.delete(token);
  }
  return { enabled };
}

/** Whether `token` (built-in, or `<plural>.<group>` for a custom resource kind) streams. */
export function isWatchStreamEnabled(streams: WatchStreams | ReadonlySet<string>, token: string): boolean {
  const enabled = streams instanceof Set ? streams : (streams as WatchStreams).enabled;
  if (BY_TOKEN.has(token)) return enabled.has(token);
  return token.includes('.') && enabled.has(CUSTOM_STREAMS);
}

/** The start-up log line: `watch streams enabled: pods=true events=false … custom=true`, in registry order. */
export function describeWatchStreams(enabled: ReadonlySet<string> | WatchStreams): string {
  const set = enabled instanceof Set ? enabled : (enabled as WatchStreams).enabled;
  const parts = [...BUILTIN_KINDS.map((kind) => kind.token), CUSTOM_STREAMS].map((token) => `${token}=${set.has(token)}`);
  return `watch streams enabled: ${parts.join(' ')}`;
}

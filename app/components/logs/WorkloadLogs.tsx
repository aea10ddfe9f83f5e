'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { formatSelector } from '@/lib/kinds/read';
import type { KubeObject } from '@/lib/kinds/types';
import { LabelSelectorError, parseLabelSelector, type LabelSelector } from '@/lib/labelSelector';
import { chooseLogTargets } from '@/lib/ui/logTargets';
import { Pane } from '../detail/Pane';
import { useRows } from '../live/useRows';
import { useSelection } from '../useSelection';
import { AnsiLine } from './AnsiLine';
import { makeFilter } from './logBuffer';
import { useMergedLogs } from './useMergedLogs';

/** Pods followed at once (each container is one of the person's log streams, which are capped). */
export const MAX_PODS = 8;
const MAX_STREAMS = 16;
const MAX_LINES = 20_000;
/** Lines drawn: the newest; the download has them all. */
const DRAWN = 2_000;
/** One colour per pod, from the theme (app/globals.css: --log-src-0 … --log-src-7). */
const COLOURS = Array.from({ length: 8 }, (_, i) => `var(--log-src-${i})`);

export interface WorkloadLogsProps {
  cluster: string;
  namespace: string;
  object: KubeObject;
}

/**
 * One merged, prefixed view of the logs of a workload's pods (or of any label
 * selector in the namespace): pods come from the live pod list, so new ones join
 * as they start; at most MAX_PODS are followed, and the view says when it capped.
 */
export function WorkloadLogs({ cluster, namespace, object }: WorkloadLogsProps) {
  const { namespaces } = useSelection();
  const spec = (object.spec ?? {}) as { selector?: unknown; template?: { spec?: { containers?: Array<{ name?: string }> } }; jobTemplate?: { spec?: { template?: { spec?: { containers?: Array<{ name?: string }> } } } } };
  const templateContainers = (spec.template?.spec?.containers ?? []).map((c) => c.name ?? '').filter(Boolean);
  const initial = formatSelector(spec.selector);
  const [selectorText, setSelectorText] = useState(initial === '<none>' ? '' : initial);
  const [container, setContainer] = useState<string>('*');
  const [timestamps, setTimestamps] = useState(false);
  const [query, setQuery] = useState('');
  const { data: pods, error: podsError } = useRows(cluster, 'pods', namespaces, { focused: false });

  const parsed = useMemo((): { selector: LabelSelector; error?: string } => {
    try {
      return { selector: parseLabelSelector(selectorText) };
    } catch (err) {
      return { selector: [], error: err instanceof LabelSelectorError ? err.message : String(err) };
    }
  }, [selectorText]);

  const containers = container === '*' ? templateContainers : [container];
  const cap = Math.max(1, Math.min(MAX_PODS, Math.floor(MAX_STREAMS / Math.max(1, containers.length))));
  // Pods followed so far stay followed while they match (a new pod never pushes one out).
  const [followed, setFollowed] = useState<string[]>([]);
  const targets = useMemo(() => chooseLogTargets(pods?.rows.values() ?? [], namespace, parsed.selector, cap, followed), [pods, namespace, parsed.selector, cap, followed]);
  const followingKey = targets.following.join(',');
  if (followed.join(',') !== followingKey) setFollowed(targets.following);

  const { buffer, version, states, errors } = useMergedLogs({ cluster, namespace, pods: targets.following, containers, timestamps, maxLines: MAX_LINES });
  const filter = useMemo(() => makeFilter(query, false), [query]);
  const lines = useMemo(() => {
    void version;
    const all = buffer.all();
    return (query ? all.filter((l) => filter.test(l.text)) : all).slice(-DRAWN);
  }, [buffer, version, filter, query]);
  const viewport = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = viewport.current;
    if (el && el.scrollTop + el.clientHeight >= el.scrollHeight - 80) el.scrollTop = el.scrollHeight;
  }, [lines]);

  const colourOf = (source: string) => COLOURS[Math.abs([...source.split('/')[0]].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)) % COLOURS.length];
  const problems = Object.entries(states).filter(([, s]) => s.state === 'error' || s.state === 'ended');

  return (
    <section aria-label="Workload logs" className="workload-logs">
      <div role="toolbar" aria-label="Log options" className="log-toolbar">
        <label>
          Pods matching{' '}
          <input aria-label="Label selector" className="mono" value={selectorText} onChange={(e) => setSelectorText(e.target.value)} size={36} />
        </label>
        <label>
          Container{' '}
          <select aria-label="Container" value={container} onChange={(e) => setContainer(e.target.value)}>
            {templateContainers.length > 1 ? <option value="*">All containers</option> : null}
            {templateContainers.length <= 1 ? <option value="*">{templateContainers[0] ?? 'none'}</option> : null}
            {templateContainers.length > 1 ? templateContainers.map((c) => <option key={c} value={c}>{c}</option>) : null}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} /> Timestamps
        </label>
        <label>
          <input type="search" aria-label="Filter lines" placeholder="Filter…" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
      </div>
      {parsed.error ? <p role="alert">{parsed.error}</p> : null}
      {podsError ? <p role="alert">Cannot list pods: {(podsError as Error).message}</p> : null}
      <p className="small" role="status" data-testid="log-pods">
        {!pods ? (
          'Finding pods…'
        ) : targets.matched === 0 ? (
          'No pods match: nothing to follow. Pods that start later join here.'
        ) : (
          <>
            Following {targets.following.length} of {targets.matched} pod{targets.matched === 1 ? '' : 's'}
            {targets.leftOut > 0 ? <strong className="warn-text"> · capped at {cap} pods: {targets.leftOut} more not shown (narrow the selector)</strong> : null}
            {targets.starting.length > 0 ? <span className="muted"> · {targets.starting.length} starting, will join: {targets.starting.join(', ')}</span> : null}
          </>
        )}
      </p>
      {targets.following.length > 0 ? (
        <ul className="log-sources" aria-label="Followed pods">
          {targets.following.map((pod) => (
            <li key={pod} style={{ borderColor: colourOf(pod) }}>
              <span className="mono small">{pod}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {[...errors, ...problems.map(([id, s]) => `${id}: ${s.message}`)].slice(-6).map((e, i) => (
        <p key={i} className="small muted" role="note">
          {e}
        </p>
      ))}
      <Pane label="Merged logs">
        <div ref={viewport} className="log-view" data-testid="merged-log-lines" role="log" aria-label="Merged log lines" tabIndex={0}>
          {lines.map((l) => (
            <div key={l.seq} className="log-line" data-source={l.container}>
              <span style={{ color: colourOf(l.container) }}>[{l.container}]</span> <AnsiLine text={l.text} />
            </div>
          ))}
        </div>
      </Pane>
    </section>
  );
}

export default WorkloadLogs;

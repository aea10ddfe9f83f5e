'use client';

import { useCallback, useEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import { AnsiLine } from './AnsiLine';
import { levelOf, makeFilter, type Level, type ViewerLine } from './logBuffer';
import { useLogStream } from './useLogStream';

export interface PodLogsProps {
  cluster: string;
  namespace: string;
  pod: string;
  containers: { name: string; init?: boolean }[];
}

const ALL = '*';
/** Lines the viewer keeps; older ones are dropped (and counted). */
const MAX_LINES = 50_000;
/** Characters of one line shown until it is expanded. */
const SHOWN_CHARS = 4_000;
const ROW_PX = 18;
/** With wrapping rows differ in height, so only the newest lines are drawn. */
const WRAPPED_ROWS = 1_000;

/** Level colours from the theme (app/globals.css), so lines pass contrast in light and dark. */
const levelColour: Record<Exclude<Level, undefined>, string> = {
  error: 'var(--log-error)',
  warn: 'var(--log-warn)',
  info: 'var(--log-info)',
  debug: 'var(--log-debug)',
};

function download(lines: readonly ViewerLine[], merged: boolean, name: string): void {
  const text = lines.map((l) => (merged ? `[${l.container}] ${l.text}` : l.text)).join('\n') + '\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.log`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The Logs tab of a pod: follows one container or all of them, bounded and virtualised. */
export function PodLogs({ cluster, namespace, pod, containers }: PodLogsProps) {
  const [selected, setSelected] = useState<string>(containers.find((c) => !c.init)?.name ?? containers[0]?.name ?? ALL);
  const [follow, setFollow] = useState(true);
  const [previous, setPrevious] = useState(false);
  const [timestamps, setTimestamps] = useState(false);
  const [wrap, setWrap] = useState(false);
  const [query, setQuery] = useState('');
  const [regex, setRegex] = useState(false);
  const [generation, setGeneration] = useState(0);
  const [expanded, setExpanded] = useState<Set<number>>(() => new Set());
  const [atBottom, setAtBottom] = useState(true);
  const [scroll, setScroll] = useState({ top: 0, height: 400 });
  const viewport = useRef<HTMLDivElement>(null);

  const chosen = useMemo(() => (selected === ALL ? containers.map((c) => c.name) : [selected]), [selected, containers]);
  const merged = chosen.length > 1;
  const { buffer, version, states, errors } = useLogStream({ cluster, namespace, pod, containers: chosen, previous, timestamps, follow, maxLines: MAX_LINES, generation });

  const filter = useMemo(() => makeFilter(query, regex), [query, regex]);
  const visible = useMemo(() => {
    void version; // recomputed whenever lines arrive
    const all = buffer.all();
    return query ? all.filter((l) => filter.test(l.text)) : all.slice();
  }, [buffer, version, filter, query]);

  // Auto-scroll: stay at the newest line unless the person scrolled up.
  useEffect(() => {
    const el = viewport.current;
    if (el && atBottom) el.scrollTop = el.scrollHeight;
  }, [visible, atBottom, wrap]);

  const onScroll = useCallback(() => {
    const el = viewport.current;
    if (!el) return;
    setAtBottom(el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_PX);
    setScroll({ top: el.scrollTop, height: el.clientHeight });
  }, []);

  const jumpToLatest = () => {
    const el = viewport.current;
    if (el) el.scrollTop = el.scrollHeight;
    setAtBottom(true);
  };

  // Virtual window: without wrapping every row is ROW_PX high, so only the rows in view are drawn.
  let rows: readonly ViewerLine[];
  let padTop = 0;
  let padBottom = 0;
  let hiddenByWrap = 0;
  if (wrap) {
    rows = visible.slice(-WRAPPED_ROWS);
    hiddenByWrap = visible.length - rows.length;
  } else {
    const first = Math.max(0, Math.floor(scroll.top / ROW_PX) - 20);
    const count = Math.ceil(scroll.height / ROW_PX) + 40;
    const start = atBottom ? Math.max(0, visible.length - count) : Math.min(first, Math.max(0, visible.length - count));
    rows = visible.slice(start, start + count);
    padTop = start * ROW_PX;
    padBottom = Math.max(0, (visible.length - start - rows.length) * ROW_PX);
  }

  const ended = Object.entries(states).filter(([, s]) => s.state === 'ended');
  const rowStyle: CSSProperties = wrap ? { whiteSpace: 'pre-wrap', wordBreak: 'break-all' } : { whiteSpace: 'pre', height: ROW_PX, lineHeight: `${ROW_PX}px` };

  return (
    <section aria-label="Logs" style={{ display: 'flex', flexDirection: 'column', gap: 8, height: '100%', minHeight: 420 }}>
      <div role="toolbar" aria-label="Log options" style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'center', fontSize: 13 }}>
        <label>
          Container{' '}
          <select aria-label="Container" value={selected} onChange={(e) => setSelected(e.target.value)}>
            {containers.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
                {c.init ? ' (init)' : ''}
              </option>
            ))}
            {containers.length > 1 && <option value={ALL}>All containers</option>}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <label>
          <input type="checkbox" checked={previous} onChange={(e) => setPrevious(e.target.checked)} /> Previous container
        </label>
        <label>
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} /> Timestamps
        </label>
        <label>
          <input type="checkbox" checked={wrap} onChange={(e) => setWrap(e.target.checked)} /> Wrap
        </label>
        <label>
          <input type="search" aria-label="Filter lines" placeholder="Filter…" value={query} onChange={(e) => setQuery(e.target.value)} style={{ width: 200 }} />
        </label>
        <label>
          <input type="checkbox" checked={regex} onChange={(e) => setRegex(e.target.checked)} /> Regex
        </label>
        <button type="button" onClick={() => download(buffer.all(), merged, `${pod}${merged ? '' : `-${selected}`}`)}>
          Download
        </button>
        <span aria-live="polite" style={{ opacity: 0.75 }}>
          {visible.length.toLocaleString()} lines{query ? ' match' : ''}
          {buffer.dropped > 0 ? ` · ${buffer.dropped.toLocaleString()} older lines dropped` : ''}
          {hiddenByWrap > 0 ? ` · showing the newest ${WRAPPED_ROWS.toLocaleString()} while wrapping` : ''}
        </span>
      </div>
      {filter.error && <p role="alert">Invalid regular expression: {filter.error}</p>}
      {errors.map((e, i) => (
        <p key={i} role="alert" style={{ color: levelColour.error, margin: 0 }}>
          {e}
        </p>
      ))}
      {ended.length > 0 && (
        <div role="status" style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <span>{ended.map(([c, s]) => `${c}: ${s.message}`).join(' · ')}</span>
          {!previous && (
            <button type="button" onClick={() => setGeneration((g) => g + 1)}>
              Follow the new container
            </button>
          )}
        </div>
      )}
      <div style={{ position: 'relative', flex: 1, minHeight: 360 }}>
        <div
          ref={viewport}
          data-testid="log-lines"
          className="log-view"
          role="log"
          aria-label={`Log lines of ${pod}`}
          tabIndex={0}
          onScroll={onScroll}
          style={{ position: 'absolute', inset: 0, whiteSpace: 'normal' }}
        >
          <div style={{ height: padTop }} />
          {rows.map((line) => {
            const level = levelOf(line.text);
            const long = line.text.length > SHOWN_CHARS && !expanded.has(line.seq);
            return (
              <div key={line.seq} className="log-line" style={{ ...rowStyle, color: level ? levelColour[level] : undefined }}>
                {merged && <span className="log-source">[{line.container}] </span>}
                <AnsiLine text={long ? line.text.slice(0, SHOWN_CHARS) : line.text} />
                {long && (
                  <button type="button" onClick={() => setExpanded((s) => new Set(s).add(line.seq))} style={{ marginLeft: 8, fontSize: 11 }}>
                    … {(line.text.length - SHOWN_CHARS).toLocaleString()} more characters — expand
                  </button>
                )}
              </div>
            );
          })}
          <div style={{ height: padBottom }} />
        </div>
        {!atBottom && (
          <button type="button" onClick={jumpToLatest} style={{ position: 'absolute', right: 16, bottom: 12 }}>
            Jump to latest
          </button>
        )}
      </div>
    </section>
  );
}

export default PodLogs;

'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { Tone } from '@/lib/kinds/types';
import { readError } from '../live/snapshots';
import { detailPath } from '../urls';
import { useFocusTrap } from './useFocusTrap';
import { PinToYard } from '../yard/PinToYard';

interface Result {
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  tone?: Tone;
}

/**
 * Ctrl/Cmd+K: find any object by part of its name, across kinds and namespaces, and jump to it.
 * A modal dialog: focus stays inside while it is open and goes back where it was when it closes.
 */
export function CommandPalette({ cluster, namespaces, open, onOpenChange }: { cluster: string; namespaces: string[]; open: boolean; onOpenChange: (open: boolean) => void }) {
  const router = useRouter();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Result[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [searching, setSearching] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  const dialog = useRef<HTMLDivElement>(null);
  useFocusTrap(dialog, open);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        onOpenChange(!open);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onOpenChange]);

  useEffect(() => {
    if (open) {
      returnFocus.current = document.activeElement as HTMLElement | null;
      input.current?.focus();
    } else {
      returnFocus.current?.focus?.();
    }
  }, [open]);

  useEffect(() => {
    const q = query.trim();
    if (!open || q === '') return;
    const abort = new AbortController();
    const timer = setTimeout(async () => {
      setSearching(true);
      try {
        const res = await fetch(`/api/clusters/${encodeURIComponent(cluster)}/search?q=${encodeURIComponent(q)}`, { signal: abort.signal, headers: { Accept: 'application/json' } });
        if (!res.ok) throw await readError(res);
        const body = (await res.json()) as { results: Result[] };
        setResults(body.results.slice(0, 50));
        setActive(0);
        setError(null);
      } catch (err) {
        if (!abort.signal.aborted) setError((err as Error).message);
      } finally {
        if (!abort.signal.aborted) setSearching(false);
      }
    }, 120);
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [query, open, cluster]);

  if (!open) return null;
  const shown = query.trim() === '' ? [] : results;
  const go = (r: Result) => {
    onOpenChange(false);
    setQuery('');
    setResults([]);
    router.push(detailPath(cluster, r.kind, r.namespace, r.name, namespaces));
  };

  return (
    <div className="overlay" onMouseDown={() => onOpenChange(false)}>
      <div
        ref={dialog}
        className="palette"
        role="dialog"
        aria-modal="true"
        aria-label="Search objects"
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key !== 'Escape') return;
          e.preventDefault();
          onOpenChange(false);
        }}
      >
        <div className="palette-search">
          <input
            ref={input}
            role="combobox"
            aria-expanded={shown.length > 0}
            aria-controls="palette-results"
            aria-activedescendant={shown[active] ? `palette-${shown[active].uid}` : undefined}
            aria-label="Search objects by name"
            placeholder={`Search ${cluster} by name…`}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown') setActive((a) => Math.min(shown.length - 1, a + 1));
              else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
              else if (e.key === 'Enter' && shown[active]) go(shown[active]);
              else return;
              e.preventDefault();
            }}
          />
          <button type="button" className="ghost small-button" onClick={() => onOpenChange(false)}>
            Close
          </button>
        </div>
        <ul id="palette-results" role="listbox" aria-label="Results" className="palette-results">
          {shown.map((r, i) => (
            <li
              key={r.uid}
              id={`palette-${r.uid}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseEnter={() => setActive(i)}
              onClick={() => go(r)}
            >
              <span className={`dot tone-dot-${r.tone ?? 'neutral'}`} aria-hidden="true" />
              <span className="palette-name">{r.name}</span>
              <span className="palette-meta">
                {r.kind}
                {r.namespace ? ` · ${r.namespace}` : ''}
              </span>
            </li>
          ))}
        </ul>
        {shown[active] ? <PinToYard key={shown[active].uid} target={{ cluster, ...shown[active] }} label={`Pin ${shown[active].name} to yard…`} /> : null}
        <div className="palette-foot muted">
          {error ? <span role="alert">{error}</span> : query.trim() === '' ? 'Type part of a name' : searching ? 'Searching…' : shown.length === 0 ? 'No match' : `${shown.length} result${shown.length === 1 ? '' : 's'}`}
          <span className="keys">
            <kbd>↑</kbd> <kbd>↓</kbd> move · <kbd>Enter</kbd> open · <kbd>Esc</kbd> close
          </span>
        </div>
      </div>
    </div>
  );
}

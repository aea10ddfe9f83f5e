'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useRows } from '../live/useRows';
import { useClusters } from '../useClusters';
import { namespacesQuery } from '../urls';

/** Namespace multi-select. The choice lives in the URL (`?namespaces=a,b`), so it is per person, shareable and survives reloads. */
export function NamespacePicker({ cluster, namespaces }: { cluster: string; namespaces: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const listId = useId();
  const root = useRef<HTMLDivElement>(null);
  const { data: nsRows } = useRows(cluster, 'namespaces', namespaces, { fetchSnapshot: false, focused: false });
  const { data: clusters } = useClusters();
  const access = clusters?.find((c) => c.name === cluster)?.access;

  const options = useMemo(() => {
    const names = new Set<string>(namespaces);
    for (const row of nsRows?.rows.values() ?? []) names.add(row.name);
    if (access?.scope === 'namespaces') for (const n of access.namespaces) names.add(n);
    return [...names].sort();
    // nsRows.version marks changes of the shared Map
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [namespaces, nsRows, nsRows?.version, access]);
  const shown = options.filter((n) => n.includes(filter.trim()));

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const apply = (next: string[]) => router.push(pathname + namespacesQuery([...new Set(next)].sort()));
  const toggle = (ns: string) => apply(namespaces.includes(ns) ? namespaces.filter((n) => n !== ns) : [...namespaces, ns]);

  return (
    <div className="ns-picker" ref={root} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <button type="button" className="ns-button" aria-haspopup="true" aria-expanded={open} aria-controls={listId} onClick={() => setOpen((o) => !o)}>
        <span className="muted">Namespaces</span>{' '}
        <span data-testid="ns-summary">{namespaces.length === 0 ? 'All namespaces' : namespaces.length <= 2 ? namespaces.join(', ') : `${namespaces.length} selected`}</span>
        <span aria-hidden="true"> ▾</span>
      </button>
      {open ? (
        <div className="ns-popover" id={listId}>
          <input
            autoFocus
            type="text"
            aria-label="Filter or add a namespace"
            placeholder="Filter, or type a name and press Enter"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && filter.trim()) {
                apply([...namespaces, filter.trim()]);
                setFilter('');
              }
            }}
          />
          <button type="button" className="ns-all" onClick={() => apply([])} aria-pressed={namespaces.length === 0}>
            All namespaces
          </button>
          <fieldset>
            <legend className="visually-hidden">Namespaces</legend>
            {shown.map((ns) => (
              <div key={ns} className="ns-option-row">
                <label className="ns-option">
                  <input type="checkbox" checked={namespaces.includes(ns)} onChange={() => toggle(ns)} />
                  <span>{ns}</span>
                </label>
                <button
                  type="button"
                  className="ns-only"
                  aria-label={`Only ${ns}`}
                  onClick={() => {
                    setOpen(false);
                    apply([ns]);
                  }}
                >
                  only
                </button>
              </div>
            ))}
            {shown.length === 0 ? <p className="muted small">No namespace matches.</p> : null}
          </fieldset>
        </div>
      ) : null}
    </div>
  );
}

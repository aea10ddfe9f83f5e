'use client';

import Link from 'next/link';
import { useEffect, useRef, useState, type CSSProperties, type RefObject } from 'react';
import useSWR from 'swr';
import type { KrateType, YardSummary } from '@/lib/yard/model';
import type { KrateTarget } from './krates';
import { pinKrate } from './pinKrate';
import { fetchYards, YARDS_URL } from './yardsApi';

export interface PinTarget {
  cluster: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** What an object can be pinned as: every object as a card, YAML or events; a pod also as logs or a shell. */
function typesFor(kind: string): { type: KrateType; label: string }[] {
  const common: { type: KrateType; label: string }[] = [
    { type: 'object', label: 'Live card' },
    { type: 'yaml', label: 'YAML' },
    { type: 'events', label: 'Events' },
  ];
  return kind === 'pods' ? [...common, { type: 'logs', label: 'Logs' }, { type: 'shell', label: 'Shell' }] : common;
}

/**
 * The "Pin to yard…" panel: choose one of the yards the person may change (their
 * own, or a team yard) and what the krate shows. Shown while mounted; `onClose`
 * says whether focus should go back to what opened it (Escape) or not (a click
 * outside the panel and `opener`).
 */
export function PinPanel({ target, onClose, onPinned, opener, style }: { target: PinTarget; onClose: (returnFocus: boolean) => void; onPinned?: () => void; opener?: RefObject<HTMLElement | null>; style?: CSSProperties }) {
  const { data: yards, error } = useSWR<YardSummary[]>(YARDS_URL, fetchYards);
  const editable = (yards ?? []).filter((y) => y.access === 'edit');
  const [yardId, setYardId] = useState('');
  const [type, setType] = useState<KrateType>('object');
  const [state, setState] = useState<{ phase: 'idle' | 'pinning' } | { phase: 'pinned'; yard: YardSummary } | { phase: 'failed'; message: string }>({ phase: 'idle' });
  const panel = useRef<HTMLDivElement>(null);
  const chosen = editable.find((y) => y.id === yardId) ?? editable[0];

  useEffect(() => {
    panel.current?.querySelector<HTMLElement>('select, button')?.focus();
    const onDown = (e: MouseEvent) => !panel.current?.contains(e.target as Node) && !opener?.current?.contains(e.target as Node) && onClose(false);
    // Escape closes it even when the focus left it (the Pin button is disabled while it pins).
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !panel.current?.contains(e.target as Node) && e.target === document.body && onClose(true);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [yards, onClose, opener]);

  const pin = async () => {
    if (!chosen) return;
    setState({ phase: 'pinning' });
    const krate: KrateTarget = { type, cluster: target.cluster, kind: type === 'logs' || type === 'shell' ? 'pods' : target.kind, namespace: target.namespace && target.namespace !== '_' ? target.namespace : undefined, name: target.name };
    try {
      await pinKrate(chosen.id, krate);
      setState({ phase: 'pinned', yard: chosen });
      onPinned?.();
    } catch (err) {
      setState({ phase: 'failed', message: (err as Error).message });
    }
  };

  return (
    <div
      ref={panel}
      className="pin-panel"
      role="dialog"
      aria-label={`Pin ${target.name} to a yard`}
      style={style}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        onClose(true);
      }}
    >
      {error ? (
        <p role="alert">Could not list your yards: {(error as Error).message}</p>
      ) : !yards ? (
        <p className="muted">Loading your yards…</p>
      ) : editable.length === 0 ? (
        <p className="muted">There is no yard you may change.</p>
      ) : (
        <>
          <label>
            Yard
            <select value={chosen?.id ?? ''} onChange={(e) => setYardId(e.target.value)}>
              {editable.map((y) => (
                <option key={y.id} value={y.id}>
                  {y.personal ? `${y.title} (yours)` : y.title}
                </option>
              ))}
            </select>
          </label>
          <label>
            Shows
            <select value={type} onChange={(e) => setType(e.target.value as KrateType)}>
              {typesFor(target.kind).map((t) => (
                <option key={t.type} value={t.type}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="primary" onClick={() => void pin()} disabled={state.phase === 'pinning'}>
            {state.phase === 'pinning' ? 'Pinning…' : 'Pin'}
          </button>
        </>
      )}
      {state.phase === 'pinned' ? (
        <p role="status">
          Pinned to <Link href={`/yards/${encodeURIComponent(state.yard.id)}`}>{state.yard.title}</Link>.
        </p>
      ) : state.phase === 'failed' ? (
        <p role="alert" className="form-error">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}

'use client';

import Link from 'next/link';
import { memo, useEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type PointerEvent } from 'react';
import { detailPath, listPath } from '../urls';
import { describeKrate, type PlacedKrate } from './krates';
import { KrateBody } from './KrateBody';
import type { Peer } from './useYard';

export interface KrateActions {
  move(id: string, x: number, y: number): void;
  resize(id: string, w: number, h: number): void;
  nudge(id: string, dx: number, dy: number): void;
  nudgeSize(id: string, dw: number, dh: number): void;
  raise(id: string): void;
  minimise(id: string, minimised: boolean): void;
  remove(id: string): void;
  /** The person is looking at this krate (focus or click). */
  activate(id: string): void;
}

/** Where the canvas becomes a stacked list (the same width as in the stylesheet). */
const PHONE = '(max-width: 700px)';

type Drag = { mode: 'move' | 'resize'; startX: number; startY: number; dx: number; dy: number };

/**
 * One krate: a window on the canvas, moved by its title bar, resized by its
 * corner, raised on click; focusable, and moved (arrow keys) or resized
 * (shift + arrow keys) by the grid from the keyboard. While it is dragged only
 * this browser sees it move; the document changes once, when it is dropped.
 */
export const KrateWindow = memo(function KrateWindow({
  krate,
  actions,
  readOnly,
  lookers,
  spotlit,
  followed,
}: {
  krate: PlacedKrate;
  actions: KrateActions;
  /** Why this person may not change the yard (a viewer), or undefined. */
  readOnly?: string;
  /** Other people looking at this krate. */
  lookers: Peer[];
  spotlit: boolean;
  followed: boolean;
}) {
  const [drag, setDrag] = useState<Drag | null>(null);
  const [confirming, setConfirming] = useState(false);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const root = useRef<HTMLElement>(null);
  const title = describeKrate(krate);
  const titleId = `krate-title-${krate.id}`;

  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const start = (mode: Drag['mode']) => (e: PointerEvent<HTMLElement>) => {
    // On a phone krates are a list: nothing to drag.
    if (readOnly || e.button !== 0 || (e.target as HTMLElement).closest('button, a, input, select') || window.matchMedia(PHONE).matches) return;
    e.preventDefault();
    e.stopPropagation();
    e.currentTarget.setPointerCapture(e.pointerId);
    actions.raise(krate.id);
    actions.activate(krate.id);
    setDrag({ mode, startX: e.clientX, startY: e.clientY, dx: 0, dy: 0 });
  };
  const moveTo = (e: PointerEvent<HTMLElement>) => {
    if (drag) setDrag({ ...drag, dx: e.clientX - drag.startX, dy: e.clientY - drag.startY });
  };
  const drop = (e: PointerEvent<HTMLElement>) => {
    if (!drag) return;
    e.currentTarget.releasePointerCapture(e.pointerId);
    const dx = e.clientX - drag.startX;
    const dy = e.clientY - drag.startY;
    setDrag(null);
    if (dx === 0 && dy === 0) return;
    if (drag.mode === 'move') actions.move(krate.id, krate.x + dx, krate.y + dy);
    else actions.resize(krate.id, krate.w + dx, krate.h + dy);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.target !== e.currentTarget) return;
    const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const step = arrows[e.key];
    if (step && !readOnly) {
      e.preventDefault();
      if (e.shiftKey) actions.nudgeSize(krate.id, step[0], step[1]);
      else actions.nudge(krate.id, step[0], step[1]);
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && !readOnly) {
      e.preventDefault();
      setConfirming(true);
    }
  };

  const style: CSSProperties = {
    left: krate.x + (drag?.mode === 'move' ? drag.dx : 0),
    top: krate.y + (drag?.mode === 'move' ? drag.dy : 0),
    width: Math.max(120, krate.w + (drag?.mode === 'resize' ? drag.dx : 0)),
    height: krate.minimised ? undefined : Math.max(120, krate.h + (drag?.mode === 'resize' ? drag.dy : 0)),
    zIndex: drag ? 1_000_000_001 : krate.z,
    ...(lookers[0] ? ({ '--looker': lookers[0].user.colour } as CSSProperties) : {}),
  };
  const href = krate.name ? detailPath(krate.cluster, krate.kind, krate.namespace, krate.name) : listPath(krate.cluster, krate.kind, krate.namespace ? [krate.namespace] : []);

  return (
    <article
      ref={root}
      className="krate"
      style={style}
      tabIndex={0}
      aria-labelledby={titleId}
      aria-roledescription="krate"
      data-krate={krate.id}
      data-type={krate.type}
      data-x={krate.x}
      data-y={krate.y}
      data-w={krate.w}
      data-h={krate.h}
      data-dragging={drag ? 'true' : undefined}
      data-minimised={krate.minimised ? 'true' : undefined}
      data-spotlit={spotlit ? 'true' : undefined}
      data-followed={followed ? 'true' : undefined}
      data-looked-at={lookers.length ? 'true' : undefined}
      onKeyDown={onKeyDown}
      onFocus={(e) => e.target === e.currentTarget && actions.activate(krate.id)}
      onPointerDown={() => {
        actions.activate(krate.id);
        if (!readOnly) actions.raise(krate.id);
      }}
    >
      <header className="krate-bar" onPointerDown={start('move')} onPointerMove={moveTo} onPointerUp={drop} onPointerCancel={() => setDrag(null)} data-readonly={readOnly ? 'true' : undefined}>
        <span className="krate-type">{krate.type}</span>
        <h2 id={titleId} className="krate-title" title={`${title} — ${krate.cluster}`}>
          <Link href={href}>{krate.title || [krate.namespace, krate.name].filter(Boolean).join('/') || krate.kind}</Link>
          {krate.type === 'list' || !krate.name ? <span className="muted"> {krate.kind}{krate.filter ? ` · ${krate.filter}` : ''}</span> : krate.container ? <span className="muted"> · {krate.container}</span> : null}
        </h2>
        <span className="krate-lookers">
          {lookers.map((p) => (
            <span key={p.clientId} className="avatar small" style={{ background: p.user.colour }} title={`${p.user.name} is looking at this`} aria-label={`${p.user.name} is looking at this`}>
              {p.user.name.slice(0, 1).toUpperCase()}
            </span>
          ))}
        </span>
        <span className="krate-controls">
          <button type="button" className="ghost icon" onClick={() => actions.minimise(krate.id, !krate.minimised)} disabled={Boolean(readOnly)} title={readOnly ?? (krate.minimised ? 'Restore' : 'Minimise')} aria-label={krate.minimised ? `Restore ${title}` : `Minimise ${title}`}>
            {krate.minimised ? '▢' : '–'}
          </button>
          <button type="button" className="ghost icon" onClick={() => setConfirming(true)} disabled={Boolean(readOnly)} title={readOnly ?? 'Remove from the yard'} aria-label={`Remove ${title}`}>
            ×
          </button>
        </span>
      </header>
      {confirming ? (
        <div className="krate-confirm" role="alertdialog" aria-label={`Remove ${title}?`} onKeyDown={(e) => e.key === 'Escape' && (setConfirming(false), root.current?.focus())}>
          <span>Remove this krate for everyone in the yard?</span>
          <button ref={confirmButton} type="button" className="danger" onClick={() => actions.remove(krate.id)}>
            Remove
          </button>
          <button type="button" onClick={() => (setConfirming(false), root.current?.focus())}>
            Cancel
          </button>
        </div>
      ) : null}
      {krate.minimised ? null : (
        <div className="krate-body">
          <KrateBody krate={krate} />
        </div>
      )}
      {krate.minimised || readOnly ? null : <span className="krate-resize" aria-hidden="true" onPointerDown={start('resize')} onPointerMove={moveTo} onPointerUp={drop} onPointerCancel={() => setDrag(null)} />}
    </article>
  );
});

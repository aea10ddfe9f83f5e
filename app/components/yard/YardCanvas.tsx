'use client';

import Link from 'next/link';
import { useCallback, useEffect, useMemo, useRef, useState, type PointerEvent } from 'react';
import { useLiveSelection } from '../live/useLive';
import { AddKrateForm } from './AddKrateForm';
import { AvatarBar } from './AvatarBar';
import { addKrate, bringToFront, matchesSpotlight, moveKrate, nudgeKrate, nudgeSize, removeKrate, resizeKrate, setMinimised, type KrateTarget, type PlacedKrate } from './krates';
import { KrateWindow, type KrateActions } from './KrateWindow';
import { PeerCursor } from './PeerCursor';
import { useYard, type Peer } from './useYard';

/** Cursor positions are sent at most this often. */
const CURSOR_EVERY_MS = 80;
/** Space left above and to the left of a krate the view jumps to. */
const MARGIN = 40;

/** The cluster most krates are on: the tab's one stream follows it (krates of other clusters are read now and then). */
function mainCluster(krates: PlacedKrate[]): string {
  const counts = new Map<string, number>();
  for (const k of krates) counts.set(k.cluster, (counts.get(k.cluster) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '';
}

/**
 * A yard: its krates as windows on a surface that pans, everyone's cursors and
 * who looks at what, "follow" to see what a colleague sees. People who may only
 * look see the same, with every control disabled and the reason said.
 */
export function YardCanvas({ yardId, me }: { yardId: string; me: string }) {
  const view = useYard(yardId);
  const { client, yard, krates, peers } = view;
  const readOnly = yard && yard.access !== 'edit' ? `You may look at this yard but not change it: it is changed by ${yard.editGroups.join(', ')}` : undefined;
  const [camera, setCamera] = useState({ x: 0, y: 0 });
  const [pan, setPan] = useState<{ startX: number; startY: number; from: { x: number; y: number } } | null>(null);
  const [following, setFollowing] = useState<number | null>(null);
  const [adding, setAdding] = useState(false);
  const [spotlight, setSpotlight] = useState('');
  const viewport = useRef<HTMLDivElement>(null);
  const lastCursor = useRef(0);

  const cluster = mainCluster(krates);
  useQueuedLiveSelection(cluster);

  const actions = useMemo<KrateActions>(() => {
    const doc = () => client?.doc;
    const run = (change: (d: NonNullable<ReturnType<typeof doc>>) => void) => {
      const d = doc();
      if (d) change(d);
    };
    return {
      move: (id, x, y) => run((d) => moveKrate(d, id, x, y)),
      resize: (id, w, h) => run((d) => resizeKrate(d, id, w, h)),
      nudge: (id, dx, dy) => run((d) => nudgeKrate(d, id, dx, dy)),
      nudgeSize: (id, dw, dh) => run((d) => nudgeSize(d, id, dw, dh)),
      raise: (id) => run((d) => bringToFront(d, id)),
      minimise: (id, minimised) => run((d) => setMinimised(d, id, minimised)),
      remove: (id) => run((d) => removeKrate(d, id)),
      activate: (id) => client?.setPresence({ activeKrateId: id }),
    };
  }, [client]);

  // Where this person is, for presence elsewhere in the portal too.
  useEffect(() => {
    if (yard) client?.setPresence({ path: `/yards/${yardId}` });
  }, [client, yard, yardId]);

  // Following someone who left ends nothing explicitly: there is no one to follow, so the view is the person's own again.
  const followed: Peer | undefined = following === null ? undefined : peers.find((p) => p.clientId === following);
  // Following: the view goes where they look.
  const followedKrate = followed?.activeKrateId ? krates.find((k) => k.id === followed.activeKrateId) : undefined;
  const shownCamera = followedKrate ? { x: MARGIN - followedKrate.x, y: MARGIN - followedKrate.y } : camera;
  const stopFollowing = useCallback(() => {
    setCamera({ x: shownCamera.x, y: shownCamera.y });
    setFollowing(null);
  }, [shownCamera.x, shownCamera.y]);
  // Escape leaves follow mode.
  useEffect(() => {
    if (following === null) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && stopFollowing();
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [following, stopFollowing]);

  const shownSpotlight = followed ? (followed.spotlightQuery ?? '') : spotlight;

  const canvasPoint = (e: PointerEvent<HTMLElement>) => {
    const rect = viewport.current?.getBoundingClientRect();
    return { x: Math.round(e.clientX - (rect?.left ?? 0) - shownCamera.x), y: Math.round(e.clientY - (rect?.top ?? 0) - shownCamera.y) };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (pan) setCamera({ x: pan.from.x + e.clientX - pan.startX, y: pan.from.y + e.clientY - pan.startY });
    const now = performance.now();
    if (now - lastCursor.current < CURSOR_EVERY_MS) return;
    lastCursor.current = now;
    client?.setPresence({ cursor: canvasPoint(e) });
  };
  const onBackgroundDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget && !(e.target as HTMLElement).classList.contains('yard-surface')) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    stopFollowing();
    setPan({ startX: e.clientX, startY: e.clientY, from: shownCamera });
  };

  const add = useCallback(
    (target: KrateTarget) => {
      if (!client) return;
      const id = addKrate(client.doc, target, { x: -shownCamera.x + MARGIN, y: -shownCamera.y + MARGIN });
      client.setPresence({ activeKrateId: id });
      setAdding(false);
    },
    [client, shownCamera.x, shownCamera.y],
  );

  if (view.refusal) {
    return (
      <section className="yard-refused" role="alert">
        <h1>{view.refusal.code === 404 ? 'No such yard' : view.refusal.code === 403 ? 'You may not open this yard' : view.refusal.code === 410 ? 'This yard was deleted' : 'The yard could not be opened'}</h1>
        <p>{view.refusal.message}</p>
        <Link className="button-link" href="/yards">
          Back to your yards
        </Link>
      </section>
    );
  }

  const lastError = view.errors.at(-1);
  return (
    <section className="yard" aria-labelledby="yard-title" data-synced={view.synced ? 'true' : 'false'} data-connected={view.connected ? 'true' : 'false'}>
      <div className="yard-head">
        <div className="page-title">
          <span className="tag">Yard</span>
          <h1 id="yard-title">{yard?.title ?? yardId}</h1>
          {yard ? <span className={`status tone-${yard.access === 'edit' ? 'ok' : 'neutral'}`}>{yard.access === 'edit' ? 'can edit' : 'view only'}</span> : null}
          {!view.connected && yard ? (
            <span className="status tone-warning" role="status">
              reconnecting…
            </span>
          ) : null}
        </div>
        <AvatarBar me={me} peers={peers} following={following} onFollow={(id) => (id === null ? stopFollowing() : setFollowing(id))} />
      </div>
      <div className="yard-tools">
        <button type="button" className="primary" onClick={() => setAdding((a) => !a)} disabled={!view.synced || Boolean(readOnly)} title={readOnly} aria-expanded={adding}>
          Add krate
        </button>
        <label className="yard-spotlight">
          <span className="visually-hidden">Spotlight</span>
          <input
            type="search"
            placeholder={followed ? `${followed.user.name}'s spotlight` : 'Spotlight: highlight krates…'}
            value={shownSpotlight}
            readOnly={Boolean(followed)}
            onChange={(e) => {
              setSpotlight(e.target.value);
              client?.setPresence({ spotlightQuery: e.target.value || null });
            }}
          />
        </label>
        <button type="button" className="ghost" onClick={() => (setFollowing(null), setCamera({ x: 0, y: 0 }))}>
          Re-centre
        </button>
        {followed ? (
          <p className="yard-following" role="status">
            Following <strong style={{ color: followed.user.colour }}>{followed.user.name}</strong>
            {followedKrate ? <> — looking at {followedKrate.name ?? followedKrate.kind}</> : null}. <kbd>Esc</kbd> stops.
          </p>
        ) : null}
      </div>
      {readOnly ? (
        <p className="yard-readonly" role="note">
          {readOnly}.
        </p>
      ) : null}
      {lastError ? (
        <p className="yard-error" role="alert">
          The portal refused a change ({lastError.code}): {lastError.message}
        </p>
      ) : null}
      {view.notices.map((n) => (
        <p key={n} className="yard-notice" role="status">
          {n}
        </p>
      ))}
      {adding ? <AddKrateForm onAdd={add} onCancel={() => setAdding(false)} /> : null}
      <div
        ref={viewport}
        className="yard-viewport"
        data-panning={pan ? 'true' : undefined}
        onPointerDown={onBackgroundDown}
        onPointerMove={onPointerMove}
        onPointerUp={() => setPan(null)}
        onPointerLeave={() => client?.setPresence({ cursor: null })}
      >
        <div className="yard-surface" style={{ transform: `translate(${shownCamera.x}px, ${shownCamera.y}px)` }}>
          {view.synced && krates.length === 0 ? <p className="yard-empty muted">{readOnly ? 'Nothing is pinned here yet.' : 'Nothing is pinned here yet. Add a krate, or use "Pin to yard…" on any object.'}</p> : null}
          {krates.map((k) => (
            <KrateWindow
              key={k.id}
              krate={k}
              actions={actions}
              readOnly={readOnly}
              lookers={peers.filter((p) => p.activeKrateId === k.id)}
              spotlit={matchesSpotlight(k, shownSpotlight)}
              followed={followedKrate?.id === k.id}
            />
          ))}
          {peers.map((p) => (
            <PeerCursor key={p.clientId} peer={p} />
          ))}
        </div>
      </div>
    </section>
  );
}

/**
 * The tab's stream follows the yard's main cluster. Set after the shell's own
 * selection (the shell has no cluster here), which runs after this component's effects.
 */
function useQueuedLiveSelection(cluster: string): void {
  const [ready, setReady] = useState(false);
  useEffect(() => queueMicrotask(() => setReady(true)), []);
  useLiveSelection(ready ? cluster : '', []);
}

'use client';

import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';
import { YARD_NAMESPACE, type Presence, type PresenceUser, type YardSummary } from '@/lib/yard/model';
import { YardClient } from '@/lib/yard/yardClient';
import { readKrates, type PlacedKrate } from './krates';

/** Someone else in the yard, from their awareness state. */
export interface Peer extends Presence {
  clientId: number;
  user: PresenceUser;
}

export interface YardView {
  client: YardClient | null;
  yard: YardSummary | undefined;
  /** Why the yard could not be opened (403, 404 …), or why it closed (410: deleted). */
  refusal: { code: number; message: string } | null;
  synced: boolean;
  connected: boolean;
  krates: PlacedKrate[];
  peers: Peer[];
  /** The latest refusal of a change, and notices from the portal. */
  errors: { code: number; message: string }[];
  notices: string[];
}

const EMPTY: YardView = { client: null, yard: undefined, refusal: null, synced: false, connected: false, krates: [], peers: [], errors: [], notices: [] };

function isPeer(state: { user?: unknown }): boolean {
  const user = state.user as Partial<PresenceUser> | undefined;
  return typeof user?.userId === 'string' && typeof user.name === 'string' && typeof user.colour === 'string';
}

/** Snapshot of a client's state, remade only when the client says something changed. */
function viewOf(client: YardClient, refusal: YardView['refusal']): YardView {
  const peers: Peer[] = [];
  client.awareness.getStates().forEach((state, clientId) => {
    if (clientId !== client.doc.clientID && isPeer(state)) peers.push({ ...(state as Presence & { user: PresenceUser }), clientId });
  });
  peers.sort((a, b) => a.user.name.localeCompare(b.user.name) || a.clientId - b.clientId);
  return {
    client,
    yard: client.yard,
    refusal: refusal ?? client.closed,
    synced: client.synced,
    connected: client.socket.connected,
    krates: readKrates(client.doc),
    peers,
    errors: [...client.errors],
    notices: [...client.notices],
  };
}

/**
 * One yard, open while the calling component is mounted: its own `/yard`
 * connection, the document and everyone's presence, re-rendered on every change.
 */
export function useYard(yardId: string): YardView {
  const [state, setState] = useState<{ client: YardClient; refusal: YardView['refusal'] } | null>(null);

  useEffect(() => {
    const socket: Socket = io(YARD_NAMESPACE, { path: '/socket.io', transports: ['websocket'], forceNew: true });
    const client = new YardClient(socket, yardId);
    let live = true;
    socket.on('connect', () => {
      if (live) setState((s) => (s?.client === client ? s : { client, refusal: null }));
      if (!client.yard) {
        client.join().catch((err: Error & { code?: number }) => {
          if (live) setState({ client, refusal: { code: err.code ?? 500, message: err.message } });
        });
      }
    });
    // The browser knows before a heartbeat times out: leave at once when the network goes, come back when it returns.
    const offline = () => socket.disconnect();
    const online = () => {
      if (!client.closed) socket.connect();
    };
    window.addEventListener('offline', offline);
    window.addEventListener('online', online);
    return () => {
      live = false;
      window.removeEventListener('offline', offline);
      window.removeEventListener('online', online);
      client.close();
    };
  }, [yardId]);

  const client = state?.client ?? null;
  const refusal = state?.refusal ?? null;
  const subscribe = useCallback(
    (listener: () => void) => {
      if (!client) return () => undefined;
      const unsubscribe = client.subscribe(listener);
      client.socket.on('connect', listener);
      client.socket.on('disconnect', listener);
      return () => {
        unsubscribe();
        client.socket.off('connect', listener);
        client.socket.off('disconnect', listener);
      };
    },
    [client],
  );
  const snapshot = useCallback(() => (client ? cachedView(client, refusal) : EMPTY), [client, refusal]);
  return useSyncExternalStore(subscribe, snapshot, () => EMPTY);
}

/** useSyncExternalStore needs the same object until something changed: one view per client version. */
const views = new WeakMap<YardClient, { version: number; refusal: YardView['refusal']; view: YardView }>();
const versions = new WeakMap<YardClient, number>();

function cachedView(client: YardClient, refusal: YardView['refusal']): YardView {
  if (!versions.has(client)) {
    versions.set(client, 0);
    const bump = () => versions.set(client, (versions.get(client) ?? 0) + 1);
    client.subscribe(bump);
    client.socket.on('connect', bump);
    client.socket.on('disconnect', bump);
  }
  const version = versions.get(client) ?? 0;
  const cached = views.get(client);
  if (cached && cached.version === version && cached.refusal === refusal) return cached.view;
  const view = viewOf(client, refusal);
  views.set(client, { version, refusal, view });
  return view;
}

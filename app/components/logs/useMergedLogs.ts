'use client';

import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { LOGS_NAMESPACE, type LogsClientEvents, type LogsServerEvents } from '../../../lib/sockets/protocol';
import { LogBuffer } from './logBuffer';
import type { ContainerState } from './useLogStream';

export interface MergedLogOptions {
  cluster: string;
  namespace: string;
  /** Pods followed; a pod added later is subscribed then, a pod removed is let go (its lines stay). */
  pods: string[];
  containers: string[];
  timestamps: boolean;
  maxLines: number;
}

/** `pod/container`: the prefix of a merged line, and the subscription's id. */
export const sourceOf = (pod: string, container: string) => `${pod}/${container}`;

interface Handlers {
  lines: (id: string, lines: string[], dropped?: number) => void;
  state: (id: string, state: ContainerState) => void;
  error: (message: string) => void;
}

/**
 * One `/logs` socket following several pods' containers, one subscription per
 * pod and container (DESIGN §5). `follow` says which pods are wanted now: new
 * ones are subscribed, gone ones unsubscribed; after a reconnect all are
 * subscribed again.
 */
class MergedLogConnection {
  private readonly socket: Socket<LogsServerEvents, LogsClientEvents>;
  private readonly subscribed = new Map<string, { pod: string; container: string }>();
  private wanted: string[] = [];

  constructor(
    private readonly target: { cluster: string; namespace: string; containers: string[]; timestamps: boolean },
    private readonly on: Handlers,
  ) {
    this.socket = io(LOGS_NAMESPACE, { path: '/socket.io', transports: ['websocket'] });
    this.socket.on('connect', () => {
      this.subscribed.clear();
      this.sync();
    });
    this.socket.on('connect_error', (err: Error) => on.error(`cannot connect: ${err.message}`));
    this.socket.on('lines', (event) => {
      if (this.subscribed.has(event.id)) on.lines(event.id, event.lines, event.dropped);
    });
    this.socket.on('status', (event) => on.state(event.id, { state: event.state, message: event.message }));
    this.socket.on('error', (event) => (event.id ? on.state(event.id, { state: 'error', message: event.message }) : on.error(event.message)));
  }

  follow(pods: string[]): void {
    this.wanted = pods;
    this.sync();
  }

  close(): void {
    this.socket.disconnect();
    this.subscribed.clear();
  }

  private sync(): void {
    if (!this.socket.connected) return;
    const { cluster, namespace, containers, timestamps } = this.target;
    const want = new Map(this.wanted.flatMap((pod) => containers.map((container) => [sourceOf(pod, container), { pod, container }] as const)));
    for (const id of [...this.subscribed.keys()]) {
      if (want.has(id)) continue;
      this.socket.emit('unsubscribe', { id });
      this.subscribed.delete(id);
    }
    for (const [id, t] of want) {
      if (this.subscribed.has(id)) continue;
      this.subscribed.set(id, t);
      this.on.state(id, { state: 'connecting', message: 'connecting…' });
      this.socket.emit('subscribe', { id, cluster, namespace, pod: t.pod, container: t.container, timestamps, tailLines: 200 });
    }
  }
}

/**
 * The merged lines of several pods' containers in one bounded buffer whose lines
 * carry their `pod/container`. Pods join and leave as `pods` changes, without
 * starting over; a change of containers or timestamps starts a new buffer.
 */
export function useMergedLogs({ cluster, namespace, pods, containers, timestamps, maxLines }: MergedLogOptions) {
  const [version, setVersion] = useState(0);
  const [states, setStates] = useState<Record<string, ContainerState>>({});
  const [errors, setErrors] = useState<string[]>([]);
  const containersKey = containers.join(',');
  const resetKey = JSON.stringify([cluster, namespace, containersKey, timestamps, maxLines]);
  const [held, setHeld] = useState(() => ({ key: resetKey, buffer: new LogBuffer(maxLines) }));
  if (held.key !== resetKey) {
    setHeld({ key: resetKey, buffer: new LogBuffer(maxLines) });
    setStates({});
    setErrors([]);
  }
  const buffer = held.buffer;
  const connection = useRef<MergedLogConnection | null>(null);
  const podsKey = pods.join(',');

  useEffect(() => {
    let frame: number | undefined;
    const conn = new MergedLogConnection(
      { cluster, namespace, containers: containersKey ? containersKey.split(',') : [], timestamps },
      {
        lines: (id, lines, dropped) => {
          if (dropped) buffer.lost(dropped);
          buffer.append(id, lines);
          if (frame !== undefined) return;
          frame = requestAnimationFrame(() => {
            frame = undefined;
            setVersion((v) => v + 1);
          });
        },
        state: (id, state) => setStates((s) => ({ ...s, [id]: state })),
        error: (message) => setErrors((e) => [...e.slice(-4), message]),
      },
    );
    connection.current = conn;
    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      conn.close();
      if (connection.current === conn) connection.current = null;
    };
  }, [cluster, namespace, containersKey, timestamps, buffer]);

  useEffect(() => {
    connection.current?.follow(podsKey ? podsKey.split(',') : []);
  }, [podsKey, buffer]);

  return { buffer, version, states, errors };
}

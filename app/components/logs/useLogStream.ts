'use client';

import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { LOGS_NAMESPACE, type LogsClientEvents, type LogsServerEvents, type StatusEvent } from '../../../lib/sockets/protocol';
import { LogBuffer } from './logBuffer';

export interface LogStreamOptions {
  cluster: string;
  namespace: string;
  pod: string;
  /** The containers followed together (one: a single view; several: merged). */
  containers: string[];
  previous: boolean;
  timestamps: boolean;
  /** Off: nothing is followed; what was loaded stays. */
  follow: boolean;
  maxLines: number;
  /** Bumped to subscribe again (after the container restarted). */
  generation: number;
}

export interface ContainerState {
  state: StatusEvent['state'] | 'connecting';
  message: string;
}

/**
 * Follows the chosen containers' logs over `/logs` and keeps the newest lines
 * in a bounded buffer. Lines arrive in batches; the component re-renders at
 * most once per animation frame, however fast they come.
 */
export function useLogStream(options: LogStreamOptions) {
  const { cluster, namespace, pod, previous, timestamps, follow, maxLines, generation } = options;
  const containersKey = options.containers.join(',');
  const [version, setVersion] = useState(0);
  const [states, setStates] = useState<Record<string, ContainerState>>({});
  const [errors, setErrors] = useState<string[]>([]);
  const [connected, setConnected] = useState(false);

  // A new selection starts an empty buffer; pausing and resuming the follow keeps what was loaded.
  const resetKey = JSON.stringify([cluster, namespace, pod, containersKey, previous, timestamps, maxLines, generation]);
  const [held, setHeld] = useState(() => ({ key: resetKey, buffer: new LogBuffer(maxLines) }));
  if (held.key !== resetKey) {
    setHeld({ key: resetKey, buffer: new LogBuffer(maxLines) });
    setErrors([]);
    setStates({});
  }
  const buffer = held.key === resetKey ? held.buffer : null;

  useEffect(() => {
    const containers = containersKey ? containersKey.split(',') : [];
    if (!buffer) return;
    const resuming = buffer.all().length > 0;
    if (containers.length === 0 || (!follow && !previous)) return;
    let frame: number | undefined;
    const repaint = () => {
      if (frame !== undefined) return;
      frame = requestAnimationFrame(() => {
        frame = undefined;
        setVersion((v) => v + 1);
      });
    };
    const idFor = (container: string) => `${container}#${generation}`;
    const containerOf = new Map(containers.map((c) => [idFor(c), c]));
    const socket: Socket<LogsServerEvents, LogsClientEvents> = io(LOGS_NAMESPACE, { path: '/socket.io', transports: ['websocket'] });
    const subscribe = () => {
      for (const container of containers) {
        socket.emit('subscribe', { id: idFor(container), cluster, namespace, pod, container, previous, timestamps, tailLines: previous ? undefined : resuming ? 0 : 500 });
      }
    };
    socket.on('connect', () => {
      setConnected(true);
      setStates(Object.fromEntries(containers.map((c) => [c, { state: 'connecting', message: 'connecting…' }])));
      subscribe();
    });
    socket.on('disconnect', () => setConnected(false));
    socket.on('connect_error', (err: Error) => setErrors((e) => [...e, `cannot connect: ${err.message}`]));
    socket.on('lines', (event) => {
      const container = containerOf.get(event.id);
      if (!container) return;
      if (event.dropped) buffer.lost(event.dropped);
      buffer.append(container, event.lines);
      repaint();
    });
    socket.on('status', (event) => {
      const container = containerOf.get(event.id);
      if (container) setStates((s) => ({ ...s, [container]: { state: event.state, message: event.message } }));
    });
    socket.on('error', (event) => {
      const container = event.id ? containerOf.get(event.id) : undefined;
      setErrors((e) => [...e.slice(-4), container ? `${container}: ${event.message}` : event.message]);
      if (container) setStates((s) => ({ ...s, [container]: { state: 'error', message: event.message } }));
    });
    return () => {
      if (frame !== undefined) cancelAnimationFrame(frame);
      socket.disconnect();
    };
  }, [cluster, namespace, pod, containersKey, previous, timestamps, follow, generation, buffer]);

  const active = follow || previous;
  return { buffer: buffer ?? held.buffer, version, states: active ? states : {}, errors, connected };
}

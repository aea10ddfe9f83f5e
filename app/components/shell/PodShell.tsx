'use client';

import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { SHELL_NAMESPACE, type ShellClientEvents, type ShellServerEvents } from '../../../lib/sockets/protocol';

export interface PodShellProps {
  cluster: string;
  namespace: string;
  pod: string;
  containers: { name: string; init?: boolean }[];
}

type Phase = { kind: 'idle' } | { kind: 'connecting' } | { kind: 'open' } | { kind: 'exited'; code: number | null; message?: string } | { kind: 'refused'; message: string } | { kind: 'disconnected' };

/**
 * The Shell tab of a pod: an xterm.js terminal over `/shell`. Keystrokes go
 * to the container's stdin, its output to the terminal; the terminal follows
 * its element's size. When the session ends the buffer stays and Reconnect
 * opens a new session.
 */
export function PodShell({ cluster, namespace, pod, containers }: PodShellProps) {
  const runnable = containers.filter((c) => !c.init);
  const [container, setContainer] = useState(runnable[0]?.name ?? containers[0]?.name ?? '');
  const [command, setCommand] = useState('');
  const [phase, setPhase] = useState<Phase>({ kind: 'connecting' });
  // The tab opens a session at once; Reconnect opens the next one.
  const [session, setSession] = useState(1);
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<{ term: Terminal; fit: FitAddon } | null>(null);
  const socketRef = useRef<Socket<ShellServerEvents, ShellClientEvents> | null>(null);

  // One terminal for the component's life: its buffer outlives sessions.
  useEffect(() => {
    if (!host.current) return;
    const term = new Terminal({ cursorBlink: true, convertEol: false, fontSize: 13, scrollback: 5000, theme: { background: '#0b1020' } });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host.current);
    fit.fit();
    terminal.current = { term, fit };
    const input = term.onData((data) => socketRef.current?.emit('input', data));
    const binary = term.onBinary((data) => socketRef.current?.emit('input', Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
    const resize = term.onResize(({ cols, rows }) => socketRef.current?.emit('resize', { cols, rows }));
    const observer = new ResizeObserver(() => {
      try {
        fit.fit();
      } catch {
        /* not laid out yet */
      }
    });
    observer.observe(host.current);
    return () => {
      observer.disconnect();
      input.dispose();
      binary.dispose();
      resize.dispose();
      term.dispose();
      terminal.current = null;
    };
  }, []);

  // One session per Connect/Reconnect.
  useEffect(() => {
    if (!terminal.current) return;
    const { term, fit } = terminal.current;
    fit.fit();
    const socket: Socket<ShellServerEvents, ShellClientEvents> = io(SHELL_NAMESPACE, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true });
    socketRef.current = socket;
    let ended = false;
    socket.on('connect', () => {
      socket.emit('open', { cluster, namespace, pod, container, command: command.trim() || undefined, cols: term.cols, rows: term.rows });
      setPhase({ kind: 'open' });
      term.focus();
    });
    socket.on('output', (data) => term.write(data instanceof Uint8Array ? data : new Uint8Array(data)));
    socket.on('notice', (event) => term.write(`\r\n\x1b[33m${event.message}\x1b[0m\r\n`));
    socket.on('exit', (event) => {
      ended = true;
      term.write(`\r\n\x1b[2m[${event.code === null ? event.message ?? 'session ended' : `process exited with code ${event.code}`}]\x1b[0m\r\n`);
      setPhase({ kind: 'exited', code: event.code, message: event.message });
      socket.disconnect();
    });
    socket.on('error', (event) => {
      if (event.event === 'open' || event.code === 401) {
        ended = true;
        setPhase({ kind: 'refused', message: event.message });
        socket.disconnect();
      } else term.write(`\r\n\x1b[31m${event.message}\x1b[0m\r\n`);
    });
    socket.on('connect_error', (err: Error) => {
      ended = true;
      setPhase({ kind: 'refused', message: `cannot connect: ${err.message}` });
    });
    socket.on('disconnect', () => {
      if (ended) return;
      term.write('\r\n\x1b[2m[the session ended: connection lost]\x1b[0m\r\n');
      setPhase({ kind: 'disconnected' });
    });
    return () => {
      ended = true;
      socket.disconnect();
      if (socketRef.current === socket) socketRef.current = null;
    };
    // The session starts only when Connect is pressed; later edits of the fields wait for the next one.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session]);

  const connect = () => {
    setPhase({ kind: 'connecting' });
    setSession((n) => n + 1);
  };
  const running = phase.kind === 'open' || phase.kind === 'connecting';

  return (
    <section aria-label="Shell" style={{ display: 'flex', flexDirection: 'column', gap: 8, height: '100%', minHeight: 420 }}>
      <div role="toolbar" aria-label="Shell options" style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'center', fontSize: 13 }}>
        <label>
          Container{' '}
          <select aria-label="Container" value={container} onChange={(e) => setContainer(e.target.value)} disabled={running}>
            {runnable.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Command{' '}
          <input aria-label="Command" placeholder="/bin/bash, then /bin/sh" value={command} onChange={(e) => setCommand(e.target.value)} disabled={running} />
        </label>
        <button type="button" onClick={connect} disabled={running}>
          {phase.kind === 'idle' ? 'Connect' : 'Reconnect'}
        </button>
        <span role="status" aria-live="polite">
          {phase.kind === 'connecting' && 'Connecting…'}
          {phase.kind === 'open' && `Connected to ${pod}/${container}`}
          {phase.kind === 'exited' && (phase.code === null ? `Session ended: ${phase.message ?? ''}` : `Exited with code ${phase.code}`)}
          {phase.kind === 'disconnected' && 'Session ended: the connection was lost'}
        </span>
      </div>
      {phase.kind === 'refused' && (
        <p role="alert" style={{ color: '#f87171', margin: 0 }}>
          {phase.message}
        </p>
      )}
      <div ref={host} data-testid="terminal" style={{ flex: 1, minHeight: 360, background: '#0b1020', padding: 4 }} />
    </section>
  );
}

export default PodShell;

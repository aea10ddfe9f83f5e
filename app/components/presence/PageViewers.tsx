'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { PRESENCE_NAMESPACE, type PresenceClientEvents, type PresenceServerEvents, type Viewer } from '@/lib/presence';

const initials = (name: string) =>
  name
    .split(/[\s._@-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join('') || '?';

/** Who else is on this page right now (any replica), as avatars; nothing when you are alone. */
export function PageViewers({ userName }: { userName: string }) {
  const pathname = usePathname();
  const socket = useRef<Socket<PresenceServerEvents, PresenceClientEvents> | null>(null);
  const path = useRef(pathname);
  const [viewers, setViewers] = useState<{ path: string; users: Viewer[] } | null>(null);

  useEffect(() => {
    const s: Socket<PresenceServerEvents, PresenceClientEvents> = io(PRESENCE_NAMESPACE, { path: '/socket.io', transports: ['websocket'] });
    s.on('viewers', (event) => setViewers(event));
    // On every (re)connection, possibly to another replica, the page is announced again.
    s.on('connect', () => s.emit('view', { path: path.current }));
    socket.current = s;
    return () => {
      s.disconnect();
      socket.current = null;
    };
  }, []);

  useEffect(() => {
    path.current = pathname;
    if (socket.current?.connected) socket.current.emit('view', { path: pathname });
  }, [pathname]);

  const others = viewers?.path === pathname ? viewers.users.filter((u) => u.name !== userName) : [];
  if (!others.length) return null;
  const names = others.map((u) => u.name).join(', ');
  return (
    <ul className="page-viewers" aria-label={`Also on this page: ${names}`} data-testid="page-viewers">
      {others.slice(0, 5).map((u) => (
        <li key={u.name} className="avatar" style={{ background: u.color }} title={`${u.name} is also on this page`} data-viewer={u.name}>
          <span aria-hidden="true">{initials(u.name)}</span>
        </li>
      ))}
      {others.length > 5 ? <li className="avatar more">+{others.length - 5}</li> : null}
    </ul>
  );
}

import type { CSSProperties } from 'react';
import type { Peer } from './useYard';

/** Another person's pointer on the canvas, with their name, in their colour. */
export function PeerCursor({ peer }: { peer: Peer }) {
  if (!peer.cursor) return null;
  return (
    <div className="peer-cursor" data-cursor={peer.user.name} style={{ left: peer.cursor.x, top: peer.cursor.y, '--peer': peer.user.colour } as CSSProperties} aria-hidden="true">
      <svg width="14" height="18" viewBox="0 0 14 18">
        <path d="M1 1 L1 15 L5 11 L8 17 L10 16 L7 10 L13 10 Z" fill={peer.user.colour} stroke="white" strokeWidth="1" />
      </svg>
      <span className="peer-name" style={{ background: peer.user.colour }}>
        {peer.user.name}
      </span>
    </div>
  );
}

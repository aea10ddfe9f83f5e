'use client';

import type { Peer } from './useYard';

/** Who is in the yard, each with a Follow button; the person being followed is marked. */
export function AvatarBar({ me, peers, following, onFollow }: { me: string; peers: Peer[]; following: number | null; onFollow: (clientId: number | null) => void }) {
  return (
    <ul className="yard-people" aria-label="People in this yard">
      <li className="yard-person me" data-person={me}>
        <span className="avatar">{me.slice(0, 1).toUpperCase()}</span>
        <span>{me} (you)</span>
      </li>
      {peers.map((p) => (
        <li key={p.clientId} className="yard-person" data-person={p.user.name} style={{ borderColor: p.user.colour }}>
          <span className="avatar" style={{ background: p.user.colour }} aria-hidden="true">
            {p.user.name.slice(0, 1).toUpperCase()}
          </span>
          <span>{p.user.name}</span>
          <button type="button" className="ghost small-button" aria-pressed={following === p.clientId} onClick={() => onFollow(following === p.clientId ? null : p.clientId)}>
            {following === p.clientId ? 'Following' : 'Follow'}
          </button>
        </li>
      ))}
    </ul>
  );
}

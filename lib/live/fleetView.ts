/**
 * The `fleet` part of `GET /debug/streams`: the fleet as the answering replica
 * sees it. Shared by the route that builds it and the diagnostics drawer.
 */
export interface FleetView {
  /** The replica that answered. */
  replica: string;
  /** Its clock when it answered (ms since the epoch): the times below are on it. */
  now: number;
  redis: {
    state: 'up' | 'down';
    /** When the state last changed (RFC 3339). */
    since: string;
    reason: string;
    /** The last PING's round trip; null while Redis does not answer. */
    roundTripMs: number | null;
  };
  /** The replicas whose heartbeat is current, as last seen by the answering one. */
  replicas: string[];
  kinds: FleetKind[];
}

/** One (cluster, kind) topic the answering replica serves. */
export interface FleetKind {
  /** `<cluster>/<kind>`. */
  topic: string;
  cluster: string;
  kind: string;
  /** The replica holding the topic's lease now (from Redis); null when nobody does, or Redis does not answer. */
  owner: string | null;
  /** Whether the answering replica runs the informer. */
  ownedHere: boolean;
  /** The current owner's fencing token (`<owners so far>.<nonce>`). */
  fence?: string;
  /** How long the current owner has held the lease. */
  leaseAgeSeconds?: number;
  /** How long the lease lasts unless renewed. */
  leaseExpiresInSeconds?: number;
  /** The answering replica's mirror: `<epoch>-<seq>`, and its row count. */
  position: string;
  rows: number;
  /** Every replica's copy of the topic, this one's first (as of this answer; the others' as they last reported it). */
  followers: FleetFollower[];
  /** The deltas in the Redis stream after the mirror's position, as of this answer. */
  lagDeltas: number | null;
  /** The last delta the mirror applied: when, and how long after the owner's informer saw it. */
  lastDelta: { at: number; lagMs: number } | null;
  /** The topic's Redis stream: length, first id (the trim point) and last id. */
  stream: { length: number; first: string | null; last: string | null } | null;
}

/** One replica's copy of a topic. */
export interface FleetFollower {
  replica: string;
  /** `<epoch>-<seq>` of its mirror. */
  position: string;
  /** The deltas in the Redis stream after that position. */
  lagDeltas: number | null;
  /** The last delta it applied: when (its clock), and how long after the owner's informer saw it. */
  lastDelta: { at: number; lagMs: number } | null;
}

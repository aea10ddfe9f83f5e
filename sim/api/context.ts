/** What every request handler can reach: the store, the registry, the authorizer and the options. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RbacAuthorizer } from '../auth/index';
import type { ResourceType } from '../resources';
import type { Registry } from '../resources';
import type { Store } from '../store';
import type { UserInfo } from '../types';

export interface SimOptions {
  /** Interval between watch BOOKMARK events when a client allows them. */
  bookmarkIntervalMs: number;
  /** How long a list or watch waits for a future resourceVersion before answering 504. */
  tooLargeWaitMs: number;
  /** How long a deleted namespace waits for the first pass that deletes its contents, and between passes while some remain. */
  namespaceTerminationMs: number;
  /** Bytes a slow watch reader may fall behind before its watch is closed. */
  watchBufferLimit: number;
  /** How long a gracefully deleted pod that no simulated kubelet runs takes to stop (at most its grace period). */
  podStopMs: number;
}

export const DEFAULT_OPTIONS: SimOptions = {
  bookmarkIntervalMs: 5_000,
  tooLargeWaitMs: 3_000,
  namespaceTerminationMs: 300,
  watchBufferLimit: 8 * 1024 * 1024,
  podStopMs: 1_000,
};

export interface SimContext {
  store: Store;
  registry: Registry;
  authz: RbacAuthorizer;
  options: SimOptions;
  /** Aborted when the simulator closes: every timer and watch stops. */
  signal: AbortSignal;
  /** Close functions of every open watch. */
  /** Every open watch: how to end it, and its resource (`pods`, `deployments.apps`). */
  watches: Map<() => void, string>;
  /** Timers that must not outlive the simulator. */
  later(ms: number, fn: () => void): void;
}

/** One resource request after routing, authentication and authorization. */
export interface ResourceRequest {
  ctx: SimContext;
  req: IncomingMessage;
  res: ServerResponse;
  user: UserInfo;
  verb: string;
  type: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
}

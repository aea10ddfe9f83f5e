/**
 * The socket.io events of `/logs` and `/shell` (DESIGN.md §5): the payloads the
 * browser sends, checked at the server's edge with these schemas, and the ones
 * the server sends back. Shared by the server and the browser components.
 */
import { z } from 'zod';

/** Kubernetes object names: DNS labels/subdomains. Anything else never reaches the apiserver. */
const name = z.string().min(1).max(253).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a Kubernetes name (lower case letters, digits, "-" and ".")');
const clusterName = z.string().min(1).max(253);
/** A subscription id chosen by the client (or assigned by the server when absent). */
const subscriptionId = z.string().min(1).max(64);

export const LOGS_NAMESPACE = '/logs';
export const SHELL_NAMESPACE = '/shell';

export const subscribeSchema = z.object({
  id: subscriptionId.optional(),
  cluster: clusterName,
  namespace: name,
  pod: name,
  container: name,
  tailLines: z.number().int().min(0).max(100_000).optional(),
  sinceSeconds: z.number().int().min(1).max(366 * 86_400).optional(),
  previous: z.boolean().optional(),
  timestamps: z.boolean().optional(),
});
export type Subscribe = z.infer<typeof subscribeSchema>;

export const unsubscribeSchema = z.object({ id: subscriptionId });
export type Unsubscribe = z.infer<typeof unsubscribeSchema>;

export const openShellSchema = z.object({
  cluster: clusterName,
  namespace: name,
  pod: name,
  container: name,
  /** A command line to run instead of a shell, split on whitespace (no shell quoting). */
  command: z.string().max(4096).optional(),
  cols: z.number().int().min(1).max(1000).optional(),
  rows: z.number().int().min(1).max(1000).optional(),
});
export type OpenShell = z.infer<typeof openShellSchema>;

export const resizeSchema = z.object({ cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) });
export type Resize = z.infer<typeof resizeSchema>;

/** stdin: text, or bytes (passed through as they are). At most 64 KiB per event. */
export const inputSchema = z.union([z.string().max(65_536), z.instanceof(Uint8Array).refine((b) => b.byteLength <= 65_536, 'at most 65536 bytes')]);

/** Server → client. */
export interface LinesEvent {
  id: string;
  lines: string[];
  /** Lines dropped since the previous batch because this client read too slowly. */
  dropped?: number;
}

export type LogState = 'streaming' | 'ended' | 'error';

export interface StatusEvent {
  id: string;
  state: LogState;
  message: string;
}

/** Any refusal: bad payload (400), not allowed (403), missing (404), over a cap (429). */
export interface ErrorEvent {
  code: number;
  message: string;
  /** The event that was refused. */
  event?: string;
  /** The log subscription it concerns, if any. */
  id?: string;
}

export interface ExitEvent {
  /** The process's exit code; null when the session ended without one (closed, idle, signed out). */
  code: number | null;
  message?: string;
}

/** A line of information from the portal itself (idle close, dropped output). */
export interface NoticeEvent {
  message: string;
}

/** The acknowledgement of `subscribe`: the subscription's id, and the status when it was refused. */
export interface SubscribeReply {
  id: string;
  error?: number;
}

/**
 * The `/logs` and `/shell` wire protocols: one event map per direction,
 * shared by the server's namespaces and the browser's sockets.
 */
export interface LogsClientEvents {
  subscribe: (payload: Subscribe, ack?: (reply: SubscribeReply) => void) => void;
  unsubscribe: (payload: Unsubscribe) => void;
}

export interface LogsServerEvents {
  lines: (event: LinesEvent) => void;
  status: (event: StatusEvent) => void;
  error: (event: ErrorEvent) => void;
}

export interface ShellClientEvents {
  open: (payload: OpenShell) => void;
  input: (data: string | Uint8Array) => void;
  resize: (size: Resize) => void;
}

export interface ShellServerEvents {
  /** Bytes: sent as a Buffer, arriving in a browser as an ArrayBuffer. */
  output: (data: Uint8Array | ArrayBuffer) => void;
  exit: (event: ExitEvent) => void;
  notice: (event: NoticeEvent) => void;
  error: (event: ErrorEvent) => void;
}

/** The client's events as the server receives them: the same names, every argument untrusted until parsed. */
export type Untrusted<Events> = {
  [E in keyof Events]: Events[E] extends (...args: infer A) => void ? (...args: { [I in keyof A]: unknown }) => void : never;
};

/** Readable text for a zod failure: "field: problem; …". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

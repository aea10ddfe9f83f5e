import { randomUUID } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';
import type { LogsClientEvents, LogsServerEvents, Untrusted } from '../../../lib/sockets/protocol';
import type { Actor } from '../../../lib/actor';
import { subscribeSchema, unsubscribeSchema, type LinesEvent, type StatusEvent, type Subscribe } from '../../../lib/sockets/protocol';
import type { Cluster } from '../../clusters/cluster';
import { impersonationProblem, kubeConfigActingAs } from '../../kube/actingAs';
import { errorFrom, kubeRequest } from '../../kube/kubeRequest';
import { askRefusal, type Refusal } from '../../kube/refusal';
import { log } from '../../log';
import { actorOf, parsePayload, refuse, type SocketDeps } from '../context';
import { socketMetrics } from '../metrics';
import { Outbox } from '../outbox';
import { logPath } from './logFollow';
import { LogHub, type LogUpstreams } from './logHub';
import { LineSplitter, entryOf, renderEntry, type LogEntry } from './logLines';
import type { LogViewer } from './logUpstream';


/** Kubernetes' own words for a refusal: the same read, asked as the person, tiny. */
function refusalFor(cluster: Cluster, actor: Actor, sub: Subscribe): Promise<Refusal> {
  return askRefusal(
    kubeConfigActingAs(cluster.kubeConfig, actor),
    { path: logPath(sub.namespace, sub.pod), query: { container: sub.container, tailLines: 0, limitBytes: 1 }, headers: { Accept: '*/*' } },
    { code: 403, message: `pods "${sub.pod}" is forbidden: User "${actor.name}" cannot get resource "pods/log" in API group "" in the namespace "${sub.namespace}"` },
  );
}

/** The previous container's log: finite, read once as the person, not shared. */
async function readPrevious(cluster: Cluster, actor: Actor, sub: Subscribe, signal: AbortSignal, onEntries: (entries: LogEntry[]) => void): Promise<void> {
  const res = await kubeRequest(kubeConfigActingAs(cluster.kubeConfig, actor), {
    path: logPath(sub.namespace, sub.pod),
    query: { container: sub.container, previous: true, timestamps: true, tailLines: sub.tailLines, sinceSeconds: sub.sinceSeconds, limitBytes: 64 * 1024 * 1024 },
    headers: { Accept: '*/*' },
    signal,
    timeoutMs: 30_000,
  });
  if ((res.statusCode ?? 0) >= 300) throw await errorFrom(res);
  const splitter = new LineSplitter();
  const batch: LogEntry[] = [];
  const add = (line: string) => batch.push(entryOf(line));
  for await (const chunk of res as AsyncIterable<Buffer>) {
    splitter.push(chunk, add);
    onEntries(batch.splice(0));
  }
  splitter.end(add);
  onEntries(batch.splice(0));
}

interface Outgoing {
  id: string;
  line: string;
}

interface Subscription {
  leave(): void;
}

/**
 * `/logs`: `subscribe` → `status` and `lines` batches; `unsubscribe`. Each
 * person is checked (`get pods/log`) before joining the shared upstream of
 * that container; each socket's outgoing lines wait in a bounded outbox.
 */
export type LogsNamespace = Namespace<Untrusted<LogsClientEvents>, LogsServerEvents>;

export function registerLogs(nsp: LogsNamespace, deps: SocketDeps): void {
  const hubOptions = { ringLines: deps.config.logRingLines, signal: deps.signal };
  const hub: LogUpstreams = deps.logUpstreams?.(hubOptions) ?? new LogHub(hubOptions);

  nsp.on('connection', (socket: Socket<Untrusted<LogsClientEvents>, LogsServerEvents>) => {
    const actor = actorOf(socket);
    const subscriptions = new Map<string, Subscription>();
    const dropped = new Map<string, number>();
    const outbox = new Outbox<Outgoing>(socket, {
      maxBytes: deps.config.clientBufferBytes,
      sizeOf: (item) => item.line.length * 2 + 64,
      onDrop: (item) => {
        dropped.set(item.id, (dropped.get(item.id) ?? 0) + 1);
        socketMetrics.droppedLines.inc();
        socketMetrics.droppedBytes.inc({ namespace: '/logs' }, Buffer.byteLength(item.line));
      },
      send: (items) => {
        const byId = new Map<string, string[]>();
        for (const { id, line } of items) {
          const list = byId.get(id);
          if (list) list.push(line);
          else byId.set(id, [line]);
        }
        for (const [id, lines] of byId) {
          const event: LinesEvent = { id, lines };
          const gap = dropped.get(id);
          if (gap) {
            event.dropped = gap;
            dropped.delete(id);
          }
          socket.emit('lines', event);
        }
      },
    });

    const status = (id: string, state: StatusEvent['state'], message: string) => socket.emit('status', { id, state, message } satisfies StatusEvent);

    const unsubscribe = (id: string) => {
      const sub = subscriptions.get(id);
      if (!sub) return false;
      subscriptions.delete(id);
      sub.leave();
      return true;
    };

    socket.on('subscribe', async (payload, ack) => {
      const sub = parsePayload(socket, 'subscribe', subscribeSchema, payload);
      if (!sub) return;
      const id = sub.id ?? randomUUID();
      const reply = (answer: object) => typeof ack === 'function' && ack(answer);
      const cluster = deps.clusters.get(sub.cluster);
      if (!cluster) {
        refuse(socket, { code: 404, event: 'subscribe', id, message: `no cluster named "${sub.cluster}"` });
        return reply({ id, error: 404 });
      }
      const problem = impersonationProblem(actor);
      if (problem) {
        refuse(socket, { code: 403, event: 'subscribe', id, message: problem });
        return reply({ id, error: 403 });
      }
      if (subscriptions.has(id)) unsubscribe(id);
      const release = await deps.limits.take('logs', actor.name, deps.config.logStreamsPerUser);
      if (!release) {
        refuse(socket, { code: 429, event: 'subscribe', id, message: `you already follow ${deps.config.logStreamsPerUser} log streams; close one first` });
        return reply({ id, error: 429 });
      }
      if (socket.disconnected) return release();
      // Another subscribe with this id came in while the slot was taken: the newest one stands.
      if (subscriptions.has(id)) unsubscribe(id);
      // Held from here, so a second subscribe with the same id while checking replaces this one.
      let left = false;
      const upstream: { leave?: () => void } = {};
      const abort = new AbortController();
      const entry: Subscription = {
        leave() {
          if (left) return;
          left = true;
          abort.abort();
          upstream.leave?.();
          release();
          socketMetrics.logSubscriptions.dec();
        },
      };
      subscriptions.set(id, entry);
      socketMetrics.logSubscriptions.inc();
      reply({ id });

      const key = { cluster: sub.cluster, namespace: sub.namespace, pod: sub.pod, container: sub.container };
      let allowed: boolean;
      try {
        allowed = await cluster.access.can(actor, { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: sub.namespace, name: sub.pod });
      } catch (err) {
        log.warn({ ...key, err: (err as Error).message }, 'access review for logs failed');
        allowed = false;
      }
      if (left) return;
      if (!allowed) {
        const refusal = await refusalFor(cluster, actor, sub);
        if (left) return;
        if (subscriptions.get(id) === entry) unsubscribe(id);
        refuse(socket, { ...refusal, event: 'subscribe', id });
        status(id, 'error', refusal.message);
        return;
      }

      const done = () => {
        if (subscriptions.get(id) === entry) unsubscribe(id);
      };
      // RBAC changed: a viewer who may no longer read this log is told so, in Kubernetes' words, and leaves.
      const stopWatchingRbac = cluster.access.onInvalidate(() => {
        void cluster.access
          .can(actor, { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: sub.namespace, name: sub.pod })
          .catch(() => false)
          .then(async (still) => {
            if (still || left) return;
            const refusal = await refusalFor(cluster, actor, sub);
            if (left) return;
            refuse(socket, { ...refusal, event: 'subscribe', id });
            status(id, 'error', refusal.message);
            done();
          });
      });
      abort.signal.addEventListener('abort', stopWatchingRbac, { once: true });
      const deliver = (entries: LogEntry[]) => {
        if (left) return;
        for (const e of entries) outbox.push({ id, line: renderEntry(e, sub.timestamps ?? false) });
      };

      if (sub.previous) {
        status(id, 'streaming', 'the previous container’s log');
        readPrevious(cluster, actor, sub, AbortSignal.any([abort.signal, deps.signal]), deliver)
          .then(() => !left && status(id, 'ended', 'end of the previous container’s log'))
          .catch((err: { status?: number; message?: string }) => {
            if (left) return;
            const code = err.status ?? 502;
            refuse(socket, { code, event: 'subscribe', id, message: err.message ?? String(err) });
            status(id, 'error', err.message ?? String(err));
          })
          .finally(done);
        return;
      }

      const viewer: LogViewer = {
        tailLines: sub.tailLines,
        sinceSeconds: sub.sinceSeconds,
        lines: deliver,
        skipped: (count) => {
          dropped.set(id, (dropped.get(id) ?? 0) + count);
          socketMetrics.droppedLines.inc(count);
        },
        streaming: () => !left && status(id, 'streaming', `following ${sub.pod}/${sub.container}`),
        ended: (message) => {
          if (left) return;
          status(id, 'ended', message);
          done();
        },
        failed: (code, message) => {
          if (left) return;
          refuse(socket, { code, event: 'subscribe', id, message });
          status(id, 'error', message);
          done();
        },
      };
      upstream.leave = hub.join(key, viewer, () => kubeConfigActingAs(cluster.kubeConfig, actor));
    });

    socket.on('unsubscribe', (payload) => {
      const parsed = parsePayload(socket, 'unsubscribe', unsubscribeSchema, payload);
      if (!parsed) return;
      if (!unsubscribe(parsed.id)) refuse(socket, { code: 404, event: 'unsubscribe', id: parsed.id, message: `no subscription "${parsed.id}" on this connection` });
    });

    socket.on('disconnect', () => {
      for (const id of [...subscriptions.keys()]) unsubscribe(id);
      outbox.close();
    });
  });
}


import type { Namespace, Socket } from 'socket.io';
import type { ShellClientEvents, ShellServerEvents, Untrusted } from '../../../lib/sockets/protocol';
import { inputSchema, openShellSchema, resizeSchema, type ErrorEvent, type ExitEvent, type OpenShell } from '../../../lib/sockets/protocol';
import { impersonationProblem, kubeConfigActingAs } from '../../kube/actingAs';
import { log } from '../../log';
import { actorOf, parsePayload, refuse, type SocketDeps } from '../context';
import { socketMetrics } from '../metrics';
import { Outbox } from '../outbox';
import type { Refusal } from '../../kube/refusal';
import { watchExecAccess } from './execAccess';
import { ExecRefused, ExecSession } from './execSession';

/** Shells tried in order when the person names no command. */
const SHELLS = [['/bin/bash'], ['/bin/sh']];
/** How long a shell's first output is held back to see whether it failed to start (then the next shell is tried). */
const TRIAL_MS = 800;

/** What goes to the client, in order: output, the portal's notices, a refusal that ends the shell, its exit. */
type Outgoing = { data: Buffer } | { exit: ExitEvent } | { notice: string } | { error: ErrorEvent };

const sizeOf = (item: Outgoing) => ('data' in item ? item.data.length : 256);

function notFound(code: number | null, message: string | undefined, output: Buffer): boolean {
  const text = `${message ?? ''} ${output.toString('utf8')}`;
  return code === 126 || code === 127 || /executable file not found|no such file or directory/i.test(text);
}

/**
 * `/shell`: one shell per connection. `open` → `output` … `exit`; `input`
 * (text or bytes, passed through) and `resize`. The exec is made as the
 * person, so Kubernetes decides (`pods/exec`) and its refusal is passed on.
 */
export type ShellNamespace = Namespace<Untrusted<ShellClientEvents>, ShellServerEvents>;

export function registerShell(nsp: ShellNamespace, deps: SocketDeps): void {
  const idleMs = deps.config.shellIdleSeconds * 1000;

  nsp.on('connection', (socket: Socket<Untrusted<ShellClientEvents>, ShellServerEvents>) => {
    const actor = actorOf(socket);
    let session: ExecSession | undefined;
    let opening = false;
    let release: (() => void) | undefined;
    let idleTimer: NodeJS.Timeout | undefined;
    /** Stops re-checking the open shell's access. */
    let unwatchAccess: (() => void) | undefined;
    let droppedBytes = 0;
    const abort = new AbortController();
    const signal = AbortSignal.any([abort.signal, deps.signal]);

    const outbox = new Outbox<Outgoing>(socket, {
      maxBytes: deps.config.clientBufferBytes,
      sizeOf,
      onDrop: (item) => {
        const bytes = sizeOf(item);
        droppedBytes += bytes;
        socketMetrics.droppedBytes.inc({ namespace: '/shell' }, bytes);
      },
      send: (items) => {
        const chunks: Buffer[] = [];
        const flush = () => chunks.length > 0 && socket.emit('output', Buffer.concat(chunks.splice(0)));
        if (droppedBytes > 0) {
          chunks.push(Buffer.from(`\r\n\x1b[33m[crowsnest: ${droppedBytes} bytes of output dropped: the connection is too slow]\x1b[0m\r\n`));
          droppedBytes = 0;
        }
        for (const item of items) {
          if ('data' in item) chunks.push(item.data);
          else if ('exit' in item) {
            flush();
            socket.emit('exit', item.exit);
          } else if ('error' in item) {
            flush();
            refuse(socket, item.error);
          } else {
            flush();
            socket.emit('notice', { message: item.notice });
          }
        }
        flush();
      },
    });

    const finish = () => {
      clearTimeout(idleTimer);
      unwatchAccess?.();
      unwatchAccess = undefined;
      if (session) socketMetrics.openShells.dec();
      session = undefined;
      release?.();
      release = undefined;
    };

    const touch = () => {
      clearTimeout(idleTimer);
      if (!session) return;
      idleTimer = setTimeout(() => {
        const minutes = Math.round(idleMs / 6000) / 10;
        outbox.push({ notice: `the shell was closed after ${minutes} minutes without activity` });
        outbox.push({ exit: { code: null, message: 'closed: idle' } });
        session?.close();
        finish();
      }, idleMs);
    };

    /** The person may no longer exec into the pod: they are told why, in Kubernetes' words, and the exec is closed. */
    const revoke = (refusal: Refusal) => {
      outbox.push({ error: { code: refusal.code, event: 'open', message: refusal.message } });
      outbox.push({ exit: { code: null, message: 'closed: access revoked' } });
      session?.close();
      finish();
    };

    const start = async (open: OpenShell) => {
      const cluster = deps.clusters.get(open.cluster);
      if (!cluster) return refuse(socket, { code: 404, event: 'open', message: `no cluster named "${open.cluster}"` });
      const problem = impersonationProblem(actor);
      if (problem) return refuse(socket, { code: 403, event: 'open', message: problem });
      // Watched from before the exec is made, so a revocation while it opens is not missed.
      let revokedBy: Refusal | undefined;
      unwatchAccess = watchExecAccess(cluster, actor, { namespace: open.namespace, pod: open.pod, container: open.container }, (refusal) => {
        revokedBy = refusal;
        if (session) revoke(refusal);
      });
      const kc = kubeConfigActingAs(cluster.kubeConfig, actor);
      const commands = open.command?.trim() ? [open.command.trim().split(/\s+/)] : SHELLS;
      const size = open.cols && open.rows ? { cols: open.cols, rows: open.rows } : undefined;
      for (let i = 0; i < commands.length; i++) {
        const last = i === commands.length - 1;
        let trial = !last;
        const held: Buffer[] = [];
        let retry!: (again: boolean) => void;
        const decided = new Promise<boolean>((resolve) => (retry = resolve));
        const commit = () => {
          if (!trial) return;
          trial = false;
          for (const chunk of held.splice(0)) outbox.push({ data: chunk });
          retry(false);
        };
        let opened: ExecSession;
        try {
          opened = await ExecSession.open(
            kc,
            { namespace: open.namespace, pod: open.pod, container: open.container, command: commands[i] },
            size,
            {
              output: (data) => {
                if (trial) {
                  held.push(data);
                  if (held.reduce((n, b) => n + b.length, 0) > 4096) commit();
                  return;
                }
                outbox.push({ data });
                touch();
              },
              exit: (code, message) => {
                if (trial && notFound(code, message, Buffer.concat(held))) {
                  trial = false;
                  retry(true);
                  return;
                }
                commit();
                outbox.push({ exit: { code, message } });
                finish();
              },
            },
            signal,
          );
        } catch (err) {
          const status = err instanceof ExecRefused ? err.status : 502;
          const message = err instanceof Error ? err.message : String(err);
          log.info({ cluster: open.cluster, namespace: open.namespace, pod: open.pod, status, err: message }, 'shell refused');
          refuse(socket, { code: status, event: 'open', message });
          return;
        }
        if (socket.disconnected || signal.aborted) return opened.close();
        session = opened;
        socketMetrics.openShells.inc();
        if (revokedBy) return revoke(revokedBy);
        touch();
        const timer = setTimeout(commit, TRIAL_MS);
        if (!trial) retry(false);
        const again = await decided;
        clearTimeout(timer);
        if (!again) return;
        socketMetrics.openShells.dec();
        session = undefined;
      }
    };

    socket.on('open', (payload) => {
      const open = parsePayload(socket, 'open', openShellSchema, payload);
      if (!open) return;
      if (session || opening) return refuse(socket, { code: 409, event: 'open', message: 'a shell is already open on this connection' });
      opening = true;
      deps.limits
        .take('shells', actor.name, deps.config.shellsPerUser)
        .then((taken) => {
          if (!taken) {
            refuse(socket, { code: 429, event: 'open', message: `you already have ${deps.config.shellsPerUser} shells open; close one first` });
            return;
          }
          release = taken;
          // The socket went while the slot was taken: nothing to open.
          if (!socket.connected) return;
          return start(open);
        })
        .catch((err: unknown) => refuse(socket, { code: 500, event: 'open', message: err instanceof Error ? err.message : String(err) }))
        .finally(() => {
          opening = false;
          if (!session) finish();
        });
    });

    socket.on('input', (payload) => {
      const data = parsePayload(socket, 'input', inputSchema, payload);
      if (data === null) return;
      if (!session) return refuse(socket, { code: 409, event: 'input', message: 'no shell is open on this connection' });
      session.input(typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      touch();
    });

    socket.on('resize', (payload) => {
      const size = parsePayload(socket, 'resize', resizeSchema, payload);
      if (!size || !session) return;
      session.resize(size.cols, size.rows);
    });

    socket.on('disconnect', () => {
      abort.abort();
      session?.close();
      finish();
      outbox.close();
    });
  });
}

/**
 * `pods/{name}/exec`: a WebSocket upgrade (GET, `get` or `create` on pods/exec) runs a
 * session; anything wrong is answered before the upgrade as a JSON Status. A request
 * that is not a WebSocket upgrade (kubectl's SPDY fallback POST) gets the same checks
 * and, when they pass, 400 — the simulator speaks only the WebSocket protocol.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ResourceRequest, SimContext } from '../api/context';
import { queryFlag } from '../api/query';
import { authenticate, forbiddenError, impersonate } from '../auth/index';
import { containerSpec, isRunning, pickContainer } from '../logs/containers';
import { route } from '../router';
import { badRequest, internal, notFound, pathNotFound, StatusError, unauthorized, type Status } from '../status';
import type { KubeObject, UserInfo } from '../types';
import { containerFs, mainCommand } from './fs';
import { runSession, SUBPROTOCOLS, type ExecStreams } from './session';
import { isKnownCommand } from './shell';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export interface ExecPlan {
  pod: KubeObject;
  container: string;
  command: string[];
  streams: ExecStreams;
}

/** The apiserver's and kubelet's checks, in their order, with their words. */
export function planExec(ctx: SimContext, namespace: string, name: string, q: URLSearchParams): ExecPlan {
  const pod = ctx.store.get('/pods', namespace, name);
  if (!pod) throw notFound('pods', '', name);
  const container = pickContainer(pod, q.get('container'));
  const streams = { stdin: queryFlag(q, 'stdin'), stdout: queryFlag(q, 'stdout'), stderr: queryFlag(q, 'stderr'), tty: queryFlag(q, 'tty') };
  if (!streams.stdin && !streams.stdout && !streams.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  const command = q.getAll('command');
  if (command.length === 0) throw badRequest('you must specify at least one command for the container');
  if (!(pod.spec as Obj)?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  if (!isRunning(pod, container)) throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
  return { pod, container, command, streams };
}

function environment(pod: KubeObject, c: Obj, tty: boolean): Record<string, string> {
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: pod.metadata.name!,
    HOME: '/root',
  };
  if (tty) env.TERM = 'xterm';
  for (const e of (c?.env ?? []) as Obj[]) if (typeof e?.name === 'string') env[e.name] = typeof e.value === 'string' ? e.value : '';
  Object.assign(env, {
    KUBERNETES_SERVICE_HOST: '10.96.0.1',
    KUBERNETES_SERVICE_PORT: '443',
    KUBERNETES_PORT: 'tcp://10.96.0.1:443',
  });
  return env;
}

/** The non-upgrade path: same answers as the upgrade would give, never a hang. */
export async function handleExecRequest(r: ResourceRequest): Promise<void> {
  planExec(r.ctx, r.namespace!, r.name!, r.query);
  throw badRequest('Upgrade request required');
}

function writeStatus(socket: Duplex, s: Status): void {
  const body = JSON.stringify(s);
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error' }[s.code] ?? 'Error';
  socket.end(`HTTP/1.1 ${s.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-cache, private\r\nConnection: close\r\n\r\n${body}`);
}

/** Handles the HTTP servers' `upgrade` event: authenticate, authorise, check, then speak WebSocket. */
export function createUpgradeHandler(ctx: SimContext, tokens: Map<string, UserInfo>): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => SUBPROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  ctx.signal.addEventListener('abort', () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'http://sim.invalid');
      const target = route(url.pathname);
      const user0 = authenticate(req.headers, tokens);
      if (!user0) throw unauthorized();
      const user = impersonate(user0, req.headersDistinct, ctx.authz);
      if (target.type !== 'resource' || target.group !== '' || target.resource !== 'pods' || target.subresource !== 'exec' || !target.namespace || !target.name) throw pathNotFound();
      const attrs = { type: 'resource' as const, verb: 'get', group: '', version: target.version, resource: 'pods', subresource: 'exec', namespace: target.namespace, name: target.name };
      if (!ctx.authz.authorize(user, attrs).allowed && !ctx.authz.authorize(user, { ...attrs, verb: 'create' }).allowed) throw forbiddenError(user, attrs);
      const plan = planExec(ctx, target.namespace, target.name, url.searchParams);
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!SUBPROTOCOLS.some((p) => offered.includes(p))) throw badRequest(`unable to upgrade: none of the offered subprotocols [${offered.join(' ')}] is supported; use one of [${SUBPROTOCOLS.join(' ')}]`);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const c = containerSpec(plan.pod, plan.container);
        const env = environment(plan.pod, c, plan.streams.tty);
        const known = isKnownCommand(plan.command[0]);
        const failure = known
          ? undefined
          : {
              message: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${plan.command[0]}": executable file not found in $PATH: unknown\n`,
              code: 127,
            };
        runSession(ws, plan.streams, plan.command, {
          env,
          fs: containerFs(plan.pod, c, env),
          hostname: plan.pod.metadata.name!,
          cwd: typeof c?.workingDir === 'string' ? c.workingDir : '/',
          mainCommand: mainCommand(c),
        }, failure);
      });
    } catch (err) {
      writeStatus(socket, err instanceof StatusError ? err.status : internal(err instanceof Error ? err.message : String(err)).status);
    }
  };
}

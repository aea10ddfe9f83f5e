/**
 * The streaming subresources of pods: `exec` and `attach` over the WebSocket channel
 * protocol, and `portforward` (sim/portforward). A WebSocket upgrade (GET; `get` or
 * `create` on the subresource) runs a session; anything wrong is answered before the
 * upgrade as a JSON Status. A request that is not a WebSocket upgrade (kubectl's SPDY
 * fallback) gets the same checks and, when they pass, 400 — the simulator speaks only
 * WebSocket.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ResourceRequest, SimContext } from '../api/context';
import { queryFlag } from '../api/query';
import { authenticate, forbiddenError, impersonate } from '../auth/index';
import { containerSpec, containerStatus, isRunning, pickContainer } from '../logs/containers';
import { planPortForward, PORTFORWARD_SUBPROTOCOLS, SPDY_TUNNEL, startPortForward } from '../portforward/handler';
import { route } from '../router';
import { badRequest, internal, notFound, pathNotFound, StatusError, unauthorized, type Status } from '../status';
import type { KubeObject, UserInfo } from '../types';
import { filesystemFor, mainCommand } from './fs';
import { MainProcess, mainProcessFor } from './mainProcess';
import { execSessionsOf } from './openSessions';
import { runSession, SUBPROTOCOLS, type Attachment, type ExecStreams, type SessionIo } from './session';
import { isKnownCommand, Shell, type ShellOptions } from './shell';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export interface ExecPlan {
  pod: KubeObject;
  container: string;
  command: string[];
  streams: ExecStreams;
}

/** The apiserver's and kubelet's checks for exec and attach, in their order, with their words. */
export function planExec(ctx: SimContext, namespace: string, name: string, q: URLSearchParams, attach = false): ExecPlan {
  const pod = ctx.store.get('/pods', namespace, name);
  if (!pod) throw notFound('pods', '', name);
  const container = pickContainer(pod, q.get('container'));
  const streams = { stdin: queryFlag(q, 'stdin'), stdout: queryFlag(q, 'stdout'), stderr: queryFlag(q, 'stderr'), tty: queryFlag(q, 'tty') };
  if (!streams.stdin && !streams.stdout && !streams.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  const command = q.getAll('command');
  if (!attach && command.length === 0) throw badRequest('you must specify at least one command for the container');
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
  if (r.subresource === 'portforward') planPortForward(r.ctx, r.namespace!, r.name!);
  else planExec(r.ctx, r.namespace!, r.name!, r.query, r.subresource === 'attach');
  throw badRequest('Upgrade request required');
}

function writeStatus(socket: Duplex, s: Status): void {
  const body = JSON.stringify(s);
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error' }[s.code] ?? 'Error';
  socket.end(`HTTP/1.1 ${s.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-cache, private\r\nConnection: close\r\n\r\n${body}`);
}

/** What a shell in this container starts with. */
function shellOptions(ctx: SimContext, pod: KubeObject, c: Obj, tty: boolean): Omit<ShellOptions, 'tty' | 'stdin'> {
  const env = environment(pod, c, tty);
  return {
    env,
    fs: filesystemFor(ctx.store, pod, c, env),
    hostname: pod.metadata.name!,
    cwd: typeof c?.workingDir === 'string' ? c.workingDir : '/',
    mainCommand: mainCommand(c),
  };
}

/** A new process for `exec`: the shell running the command, or the runtime's refusal. */
function execProcess(ctx: SimContext, plan: ExecPlan): (io: SessionIo) => Attachment {
  const c = containerSpec(plan.pod, plan.container);
  return (io) => {
    if (!isKnownCommand(plan.command[0])) {
      const message = `OCI runtime exec failed: exec failed: unable to start container process: exec: "${plan.command[0]}": executable file not found in $PATH: unknown\n`;
      return {
        begin: () => {
          (plan.streams.tty ? io.stdout : io.stderr)(Buffer.from(message));
          io.exit(127);
        },
        input: () => {},
        endInput: () => {},
        resize: () => {},
        close: () => {},
      };
    }
    const shell = new Shell(io, { ...shellOptions(ctx, plan.pod, c, plan.streams.tty), tty: plan.streams.tty, stdin: plan.streams.stdin });
    return {
      begin: () => shell.start(plan.command),
      input: (data) => shell.input(data),
      endInput: () => shell.endInput(),
      resize: (cols, rows) => shell.resize(cols, rows),
      close: () => shell.close(),
    };
  };
}

/** `attach`: a connection to the container's main process, shared with other attached clients. */
function attachProcess(ctx: SimContext, plan: ExecPlan): (io: SessionIo) => Attachment {
  const c = containerSpec(plan.pod, plan.container);
  const runId = String(containerStatus(plan.pod, plan.container)?.containerID ?? '');
  const main = mainProcessFor(ctx.store, plan.pod, c, runId, (onEnd) => new MainProcess(ctx.store, plan.pod, c, mainCommand(c), shellOptions(ctx, plan.pod, c, c?.tty === true), onEnd));
  return (io) => main.attach(io, plan.streams);
}

/**
 * kubectl falls back to SPDY when the WebSocket upgrade fails; by then the checks above
 * have answered with the real error. A SPDY upgrade that passes them is refused here,
 * with a Status kubectl prints, rather than left to hang.
 */
function refuseSpdy(req: IncomingMessage): void {
  if (/^spdy\//i.test(String(req.headers.upgrade ?? ''))) throw badRequest('unable to upgrade connection: this cluster serves exec, attach and port-forward over WebSocket only, not SPDY');
}

const STREAMING = new Set(['exec', 'attach', 'portforward']);
const TUNNEL_TOKEN = 'sim-spdy-tunnel';

/** Handles the HTTP servers' `upgrade` event: authenticate, authorise, check, then speak WebSocket. */
export function createUpgradeHandler(ctx: SimContext, tokens: Map<string, UserInfo>): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered, req) => {
      if (!/\/portforward(\?|$)/.test(req.url ?? '')) return SUBPROTOCOLS.find((p) => offered.has(p)) ?? false;
      return offered.has(TUNNEL_TOKEN) ? SPDY_TUNNEL : (PORTFORWARD_SUBPROTOCOLS.find((p) => offered.has(p)) ?? false);
    },
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
      if (target.type !== 'resource' || target.group !== '' || target.resource !== 'pods' || !STREAMING.has(target.subresource ?? '') || !target.namespace || !target.name) throw pathNotFound();
      const subresource = target.subresource!;
      const attrs = { type: 'resource' as const, verb: 'get', group: '', version: target.version, resource: 'pods', subresource, namespace: target.namespace, name: target.name };
      if (!ctx.authz.authorize(user, attrs).allowed && !ctx.authz.authorize(user, { ...attrs, verb: 'create' }).allowed) throw forbiddenError(user, attrs);
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
      if (subresource === 'portforward') {
        const plan = planPortForward(ctx, target.namespace, target.name, url.searchParams);
        refuseSpdy(req);
        const supported = PORTFORWARD_SUBPROTOCOLS.filter((p) => offered.includes(p));
        if (!supported.length) throw badRequest(`unable to upgrade: none of the offered subprotocols [${offered.join(' ')}] is supported; use one of [${PORTFORWARD_SUBPROTOCOLS.join(' ')}]`);
        // `SPDY/3.1+portforward.k8s.io` is not an HTTP token, which the WebSocket library
        // insists on; it gets a stand-in here and its real name back in handleProtocols.
        req.headers['sec-websocket-protocol'] = supported.map((p) => (p === SPDY_TUNNEL ? TUNNEL_TOKEN : p)).join(', ');
        wss.handleUpgrade(req, socket, head, (ws) => startPortForward(ctx, ws, plan));
        return;
      }
      const plan = planExec(ctx, target.namespace, target.name, url.searchParams, subresource === 'attach');
      refuseSpdy(req);
      if (!SUBPROTOCOLS.some((p) => offered.includes(p))) throw badRequest(`unable to upgrade: none of the offered subprotocols [${offered.join(' ')}] is supported; use one of [${SUBPROTOCOLS.join(' ')}]`);
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (subresource === 'attach') return runSession(ws, plan.streams, attachProcess(ctx, plan), { exitCodes: false });
        const open = execSessionsOf(ctx);
        open.add(ws);
        ws.once('close', () => open.delete(ws));
        runSession(ws, plan.streams, execProcess(ctx, plan));
      });
    } catch (err) {
      writeStatus(socket, err instanceof StatusError ? err.status : internal(err instanceof Error ? err.message : String(err)).status);
    }
  };
}

/**
 * `pods/{name}/portforward` over WebSocket, in the two shapes clients speak:
 *
 * - `SPDY/3.1+portforward.k8s.io` — kubectl 1.31 and later tunnel SPDY through the
 *   WebSocket (spdy.ts). Each forwarded connection is a pair of streams with the headers
 *   `streamtype` (`error` or `data`), `port` and `requestid`.
 * - `v4.channel.k8s.io` (and `channel.k8s.io`) — @kubernetes/client-node and browsers:
 *   the ports are in the query (`ports=80,8080`), port i has data channel 2i and error
 *   channel 2i+1, and the server opens each channel with the port as two little-endian
 *   bytes.
 *
 * Behind a port the container declares (`ports[].containerPort`) answers a small HTTP
 * server (responder.ts); any other port is refused on the error stream as the kubelet
 * does. Everything closes when the pod stops running or goes away.
 */
import type { WebSocket } from 'ws';
import type { SimContext } from '../api/context';
import { badRequest, notFound } from '../status';
import type { KubeObject } from '../types';
import { whenPodStops } from './podWatch';
import { HttpResponder, type Listener } from './responder';
import { SpdyConnection, SpdyError, type SpdyStream } from './spdy';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

export const SPDY_TUNNEL = 'SPDY/3.1+portforward.k8s.io';
const CHANNEL_PROTOCOLS = ['v4.channel.k8s.io', 'channel.k8s.io'];
export const PORTFORWARD_SUBPROTOCOLS = [SPDY_TUNNEL, ...CHANNEL_PROTOCOLS];

export interface PortForwardPlan {
  pod: KubeObject;
  /** From the query; the channel protocol needs them, the SPDY one names them per stream. */
  ports: number[];
  listeners: Map<number, Listener>;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw badRequest(`unable to parse "${text}" as a port: strconv.ParseUint: parsing "${text}": invalid syntax`);
  if (port === 0) throw badRequest(`port "${text}" must be > 0`);
  return port;
}

/** The apiserver's and kubelet's checks, before the upgrade. */
export function planPortForward(ctx: SimContext, namespace: string, name: string, q: URLSearchParams = new URLSearchParams()): PortForwardPlan {
  const pod = ctx.store.get('/pods', namespace, name);
  if (!pod) throw notFound('pods', '', name);
  if (!(pod.spec as Obj)?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  if ((pod.status as Obj)?.phase !== 'Running') throw badRequest(`unable to upgrade connection: pod ${name} is not running`);
  const ports = [...q.getAll('ports'), ...q.getAll('port')].flatMap((p) => p.split(',')).filter(Boolean).map(parsePort);
  const listeners = new Map<number, Listener>();
  for (const c of ((pod.spec as Obj)?.containers ?? []) as Obj[]) {
    for (const p of (c.ports ?? []) as Obj[]) {
      const port = Number(p?.containerPort);
      if (Number.isInteger(port) && !listeners.has(port)) listeners.set(port, { namespace, pod: name, container: String(c.name), port });
    }
  }
  return { pod, ports, listeners };
}

/** The kubelet's words when nothing listens on a port. */
function refused(pod: KubeObject, port: number): string {
  return `error forwarding port ${port} to pod ${pod.metadata.uid}, uid : failed to connect to localhost:${port} inside namespace "${pod.metadata.name}": dial tcp4 127.0.0.1:${port}: connect: connection refused`;
}

export function startPortForward(ctx: SimContext, ws: WebSocket, plan: PortForwardPlan): void {
  let onGone = () => {};
  const stop = whenPodStops(ctx.store, plan.pod, () => {
    onGone();
    ws.close(1000);
  });
  ws.on('close', stop);
  if (ws.protocol !== SPDY_TUNNEL) {
    channels(ws, plan);
    return;
  }
  const pairs = new StreamPairs(plan);
  const spdy = new SpdyConnection(
    (bytes) => ws.readyState === ws.OPEN && ws.send(bytes, { binary: true }),
    (stream) => pairs.add(stream),
  );
  onGone = () => spdy.goAway();
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) return ws.close(1003, 'binary messages only');
    try {
      spdy.receive(Buffer.from(data));
    } catch (err) {
      // A malformed frame or header block ends the connection, never the simulator.
      if (!(err instanceof SpdyError) && !(err instanceof RangeError) && !String((err as { code?: string }).code ?? '').startsWith('Z_')) throw err;
      ws.close(1002, (err as Error).message.slice(0, 100));
    }
  });
}

/** kubectl's streams, matched up by request id: a data stream meets its error stream. */
class StreamPairs {
  private readonly errors = new Map<string, SpdyStream>();

  constructor(private readonly plan: PortForwardPlan) {}

  add(stream: SpdyStream): void {
    const { streamtype, requestid = '', port = '' } = stream.headers;
    if (streamtype === 'error') {
      this.errors.set(requestid, stream);
      return;
    }
    if (streamtype !== 'data') {
      stream.end();
      return;
    }
    const error = this.errors.get(requestid);
    this.errors.delete(requestid);
    const finish = () => {
      stream.end();
      error?.end();
    };
    const listener = this.plan.listeners.get(Number(port));
    if (!listener) {
      error?.write(refused(this.plan.pod, Number(port)));
      finish();
      return;
    }
    const http = new HttpResponder(listener, (bytes) => stream.write(bytes), finish);
    stream.onData = (data) => http.receive(data);
    stream.onEnd = () => http.end();
    stream.onReset = () => http.end();
  }
}

/** The channel protocol: one connection per port for the life of the WebSocket. */
function channels(ws: WebSocket, plan: PortForwardPlan): void {
  if (plan.ports.length === 0) {
    ws.close(1008, 'query parameter "ports" is required');
    return;
  }
  const send = (channel: number, data: Buffer) => ws.readyState === ws.OPEN && ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true });
  let open = plan.ports.length;
  const responders = plan.ports.map((port, i) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    send(2 * i, prefix);
    send(2 * i + 1, prefix);
    const done = () => {
      if (--open === 0) ws.close(1000);
    };
    const listener = plan.listeners.get(port);
    if (!listener) {
      send(2 * i + 1, Buffer.from(refused(plan.pod, port)));
      done();
      return undefined;
    }
    return new HttpResponder(listener, (bytes) => send(2 * i, bytes), done);
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const channel = data[0];
    if (channel % 2 === 0) responders[channel / 2]?.receive(Buffer.from(data.subarray(1)));
  });
  ws.on('close', () => {
    for (const r of responders) r?.end();
  });
}

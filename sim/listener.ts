/**
 * One port, two protocols: a connection whose first byte is a TLS handshake goes to the
 * HTTPS server, anything else to plain HTTP. kubectl needs https (client-go sends bearer
 * tokens only over TLS); plain http stays handy for scripts and `fetch` in tests.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type RequestListener, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer as createHttps } from 'node:https';
import { createServer as createNet, type AddressInfo, type Socket } from 'node:net';

const TLS_HANDSHAKE = 0x16;

export const SIM_CERT = readFileSync(new URL('./tls/sim-cert.pem', import.meta.url), 'utf8');
const SIM_KEY = readFileSync(new URL('./tls/sim-key.pem', import.meta.url), 'utf8');

export interface DualListener {
  port: number;
  /** Drops every open connection and closes new ones at once until `ms` have passed (a restart); 0 ends a suspension. */
  suspend(ms: number): void;
  close(): Promise<void>;
}

export type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export async function listenDual(handler: RequestListener, port: number, host: string, onUpgrade?: UpgradeListener): Promise<DualListener> {
  const plain: HttpServer = createHttp(handler);
  const secure = createHttps({ cert: SIM_CERT, key: SIM_KEY }, handler);
  for (const s of [plain, secure]) {
    s.keepAliveTimeout = 65_000;
    s.requestTimeout = 0;
    s.headersTimeout = 60_000;
    if (onUpgrade) s.on('upgrade', onUpgrade);
  }
  let suspendedUntil = 0;
  const sockets = new Set<Socket>();
  // Nagle off, as Go's net package leaves every TCP connection of a real API server: with it on, a
  // response written in pieces waits on the client's delayed ACK (tens of ms a page of a paged list).
  const net = createNet({ noDelay: true }, (socket) => {
    if (Date.now() < suspendedUntil) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.unshift(chunk);
      (chunk[0] === TLS_HANDSHAKE ? secure : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen(port, host, () => {
      net.off('error', reject);
      resolve();
    });
  });
  return {
    port: (net.address() as AddressInfo).port,
    suspend(ms) {
      suspendedUntil = Date.now() + ms;
      if (ms > 0) for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        net.close(() => resolve());
        plain.close();
        secure.close();
        for (const s of sockets) s.destroy();
      }),
  };
}

import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';

/**
 * Opens a watch request on a raw TCP connection and never reads its answer:
 * the kind of client that makes a server queue without bound.
 */
export function neverReadingWatch(baseUrl: string, path: string, cookie: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.pause();
      // Resolved once the request is with the kernel (on loopback: in the server's receive queue).
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAccept: text/event-stream\r\nCookie: ${cookie}\r\n\r\n`, () => resolve(socket));
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
  });
}

/** TCP states of /proc/net/tcp, by their hex code. */
const STATES: Record<string, string> = { '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '06': 'TIME_WAIT', '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN', '0B': 'CLOSING' };

/**
 * The state of the server's end of a loopback connection, as the kernel
 * sees it (Linux), and how many bytes wait in its queues; undefined once
 * the kernel has forgotten the connection. A receive queue of 0 means the
 * server has read everything the client sent.
 */
export function serverEnd(serverPort: number, clientPort: number): { state: string; sendQueue: number; receiveQueue: number } | undefined {
  const hexPort = (port: number) => port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5) continue;
    const [, local, remote, state, queues] = fields;
    if (local.endsWith(`:${hexPort(serverPort)}`) && remote.endsWith(`:${hexPort(clientPort)}`)) {
      const [sendQueue, receiveQueue] = queues.split(':').map((hex) => parseInt(hex, 16));
      return { state: STATES[state] ?? state, sendQueue, receiveQueue };
    }
  }
  return undefined;
}

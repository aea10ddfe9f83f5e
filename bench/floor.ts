/**
 * What this machine charges for the system call every stream's write ends in:
 * a loopback TCP socket written 1 KiB at a time, one write per socket per round,
 * read by another process. Whatever the engine, a pass that brings a change to
 * N streams makes N such writes (and the clients N reads), so this is the floor
 * under the fan-out's latency and CPU on the machine the figures come from.
 */
import { fork } from 'node:child_process';
import net from 'node:net';
import { join } from 'node:path';
import { round, sleep } from './scenarios';

export interface SocketFloor {
  sockets: number;
  /** Median cost of one write, µs. */
  writeMicros: number;
  /** One write to every socket, ms. */
  passMs: number;
}

export async function socketFloor(sockets = 1000, rounds = 100): Promise<SocketFloor> {
  const accepted: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    accepted.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const reader = fork(join(import.meta.dirname, 'floorReader.ts'), [String(port), String(sockets)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  try {
    const deadline = Date.now() + 60_000;
    while (accepted.length < sockets) {
      if (Date.now() > deadline) throw new Error(`only ${accepted.length} of ${sockets} loopback sockets connected in 60 s`);
      await sleep(50);
    }
    const chunk = Buffer.alloc(1024, 'x');
    const perWrite: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      for (const socket of accepted) socket.write(chunk);
      perWrite.push(((performance.now() - started) * 1000) / sockets);
      // The reader drains meanwhile, so no socket's buffer fills.
      await sleep(5);
    }
    perWrite.sort((a, b) => a - b);
    const writeMicros = perWrite[Math.floor(rounds / 2)];
    return { sockets, writeMicros: round(writeMicros, 1), passMs: round((writeMicros * sockets) / 1000, 1) };
  } finally {
    reader.kill();
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The reading end of the socket floor (floor.ts): connects to `port` `count` times and reads whatever comes. */
import net from 'node:net';

const [port, count] = process.argv.slice(2).map(Number);
for (let i = 0; i < count; i++) {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('data', () => undefined);
  socket.on('error', () => undefined);
}

/**
 * One load worker of the Yard benchmark: a share of the people, each a real
 * yard client (socket.io + Yjs, as the browser's), moving their own krate at
 * the given rate and timing every move of the others' krates as it arrives.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { YardClient } from '../lib/yard/yardClient';
import { Histogram } from './histogram';

interface Person {
  url: string;
  cookie: string;
  krate: string;
  /** Which replica this person is on (to split the lag into same-replica and cross-replica). */
  replica: number;
  /**
   * An observer applies everything and times it, as a browser does. The others only make
   * their moves: they drop what the portal sends them after the first sync (counted, not
   * applied), so a 2-core load generator can play 100 people without starving the portal.
   */
  observer: boolean;
}

const { people, yard, rate, cluster } = workerData as { people: Person[]; yard: string; rate: number; cluster: string };
const nowMicros = () => (performance.timeOrigin + performance.now()) * 1000;
const same = new Histogram();
const cross = new Histogram();
let sent = 0;
let received = 0;
/** Messages the movers were sent and dropped. */
let dropped = 0;
const errors: string[] = [];
/** Which replica moves each krate (every worker knows every person's). */
const krateReplica = new Map<string, number>((workerData as { all: Array<[string, number]> }).all);

async function connect(person: Person): Promise<YardClient> {
  const socket = io(`${person.url}/yard`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { Cookie: person.cookie, Origin: person.url }, forceNew: true });
  const client = new YardClient(socket, yard);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await client.join();
  while (!client.synced) await new Promise((r) => setTimeout(r, 20));
  return client;
}

const clients: Array<{ person: Person; client: YardClient }> = [];
let measuring = false;

async function setUp(): Promise<void> {
  for (const person of people) {
    const client = await connect(person);
    clients.push({ person, client });
    client.doc.transact(() => {
      const krate = new Y.Map<unknown>();
      client.doc.getMap('krates').set(person.krate, krate);
      for (const [k, v] of Object.entries({ type: 'object', cluster, kind: 'pods', namespace: 'default', name: person.krate, x: 0, y: 0, w: 200, h: 120, z: 1, title: '0' })) krate.set(k, v);
    });
    if (!person.observer) {
      client.socket.off('sync');
      client.socket.on('sync', () => dropped++);
      continue;
    }
    // Every move of somebody else's krate: how long it took from their change to here.
    client.doc.getMap('krates').observeDeep((events) => {
      if (!measuring) return;
      const at = nowMicros();
      for (const event of events) {
        const target = event.target as Y.Map<unknown>;
        if (!(target instanceof Y.Map) || !event.changes.keys.has('title')) continue;
        const id = target.get('name') as string;
        if (id === person.krate) continue;
        const stamp = Number(target.get('title'));
        if (!Number.isFinite(stamp) || stamp <= 0) continue;
        received++;
        (krateReplica.get(id) === person.replica ? same : cross).record(at - stamp);
      }
    });
    client.subscribe(() => {
      const last = client.errors.at(-1);
      if (last && errors.length < 20 && !errors.includes(`${last.code} ${last.message}`)) errors.push(`${last.code} ${last.message}`);
    });
  }
}

function move(): () => void {
  const timers = clients.map(({ person, client }, i) => {
    let step = 0;
    const tick = () => {
      const krate = client.doc.getMap('krates').get(person.krate) as Y.Map<unknown> | undefined;
      if (!krate) return;
      step++;
      client.doc.transact(() => {
        krate.set('x', (step * 7) % 2000);
        krate.set('y', (step * 13) % 1200);
        krate.set('title', String(Math.round(nowMicros())));
      });
      sent++;
    };
    // Spread the people's ticks over the interval so moves arrive evenly.
    const interval = 1000 / rate;
    let timer: NodeJS.Timeout | undefined;
    const start = setTimeout(() => {
      tick();
      timer = setInterval(tick, interval);
    }, (interval * i) / clients.length);
    return () => {
      clearTimeout(start);
      clearInterval(timer);
    };
  });
  return () => timers.forEach((stop) => stop());
}

let stopMoving: (() => void) | undefined;
parentPort!.on('message', (message: string) => {
  if (message === 'go') {
    measuring = true;
    stopMoving = move();
  } else if (message === 'stop') {
    stopMoving?.();
  } else if (message === 'report') {
    measuring = false;
    parentPort!.postMessage({ kind: 'report', same: same.toJSON(), cross: cross.toJSON(), sent, received, dropped, errors });
  } else if (message === 'close') {
    for (const { client } of clients) client.close();
    setTimeout(() => process.exit(0), 200);
  }
});

setUp().then(
  () => parentPort!.postMessage({ kind: 'ready' }),
  (err: Error) => parentPort!.postMessage({ kind: 'failed', message: err.message }),
);

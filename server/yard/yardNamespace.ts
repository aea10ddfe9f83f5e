import type { Namespace, Socket } from 'socket.io';
import { joinSchema, type JoinReply, type YardClientEvents, type YardServerEvents } from '../../lib/yard/model';
import type { Untrusted } from '../../lib/sockets/protocol';
import { log } from '../log';
import { actorOf, parsePayload, refuse } from '../sockets/context';
import { YardError } from './catalog';
import { yardMetrics } from './metrics';
import type { Member, YardRoom } from './room';
import type { Yards } from './yards';

export type YardNamespace = Namespace<Untrusted<YardClientEvents>, YardServerEvents>;

/** Bytes one sync message or presence update may have. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

function bytesOf(payload: unknown): Uint8Array | null {
  if (payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  return null;
}

/**
 * `/yard`: one yard per connection. `join {yard}` (acknowledged with the yard
 * and what the person may do, or the refusal), then y-protocols sync messages
 * and awareness updates both ways, as bytes. A refused change is answered with
 * an `error` event; the connection, the document and everyone else go on.
 */
export function registerYard(nsp: YardNamespace, yards: Yards): void {
  nsp.on('connection', (socket: Socket<Untrusted<YardClientEvents>, YardServerEvents>) => {
    const actor = actorOf(socket);
    // Events are taken as they arrive (socket.io's `onAny` hears an event before a disconnect
    // that came right behind it could drop it, so a change made just before a tab closed is kept),
    // handled in order, and waited for by the drain. A signed-out session's socket is ended by the
    // session watch (at once when the sign-out is announced), so events are not checked one by
    // one: a yard's stream of small changes would otherwise cost a sign-out-list lookup each.
    let queue: Promise<unknown> = Promise.resolve();
    const inTurn =
      <A extends unknown[]>(handle: (...args: A) => unknown) =>
      (...args: A) => {
        queue = queue
          .then(() => handle(...args))
          .catch((err: unknown) => log.error({ err: (err as Error).message, user: actor.name }, 'a yard event failed'));
        yards.track(queue);
      };
    let room: YardRoom | undefined;
    let joining = false;
    const member: Omit<Member, 'access'> = {
      id: socket.id,
      actor,
      send: (event, bytes) => socket.emit(event, bytes),
      notice: (message) => socket.emit('notice', { message }),
      close: (code, message) => {
        socket.emit('closed', { code, message });
        socket.disconnect(true);
      },
    };
    let current: Member | undefined;

    const fail = (event: string, err: unknown) => {
      if (err instanceof YardError) {
        yardMetrics.refused.inc({ code: String(err.code) });
        refuse(socket, { code: err.code, message: err.message, event });
        return;
      }
      log.error({ err: (err as Error).message, user: actor.name }, 'a yard event failed');
      refuse(socket, { code: 500, message: 'the yard could not take this change', event });
    };

    const onJoin = inTurn((payload: unknown, ack: unknown) => {
      const reply = (r: JoinReply) => (typeof ack === 'function' ? (ack as (r: JoinReply) => void)(r) : undefined);
      const parsed = parsePayload(socket, 'join', joinSchema, payload);
      if (!parsed) return reply({ error: { code: 400, message: 'malformed join' } });
      if (joining || room) return reply({ error: { code: 409, message: 'this connection already has a yard open; open another connection for another yard' } });
      joining = true;
      return yards.catalog
        .resolve(parsed.yard, actor)
        .then(async (yard) => {
          if (socket.disconnected) return;
          current = { ...member, access: yard.access };
          room = await yards.enter(yard, current);
          if (socket.disconnected) yards.leave(room, socket.id);
          reply({ yard });
        })
        .catch((err: unknown) => {
          const code = err instanceof YardError ? err.code : 500;
          const message = err instanceof YardError ? err.message : 'the yard could not be opened';
          if (!(err instanceof YardError)) log.error({ err: (err as Error).message, yard: parsed.yard }, 'a yard could not be opened');
          reply({ error: { code, message } });
        })
        .finally(() => (joining = false));
    });

    const onSync = inTurn((payload: unknown) => {
      const bytes = bytesOf(payload);
      if (!bytes || bytes.byteLength > MAX_MESSAGE_BYTES) return fail('sync', new YardError(400, 'a sync message must be bytes, at most 1 MiB'));
      if (!room || !current) return fail('sync', new YardError(409, 'join a yard first'));
      try {
        room.receiveSync(current, bytes);
      } catch (err) {
        fail('sync', err);
      }
    });

    const onAwareness = inTurn((payload: unknown) => {
      const bytes = bytesOf(payload);
      if (!bytes || bytes.byteLength > 64 * 1024) return fail('awareness', new YardError(400, 'an awareness update must be bytes, at most 64 KiB'));
      if (!room || !current) return fail('awareness', new YardError(409, 'join a yard first'));
      try {
        room.receiveAwareness(current, bytes);
      } catch (err) {
        fail('awareness', err);
      }
    });
    const handlers: Record<string, (...args: unknown[]) => void> = { join: onJoin, sync: onSync, awareness: onAwareness };
    socket.onAny((event: string, ...args: unknown[]) => {
      const handler = handlers[event];
      if (handler) handler(...args);
      else fail(event, new YardError(400, `unknown event "${event}" (join, sync, awareness)`));
    });

    socket.on('disconnect', () => {
      void queue.then(() => {
        if (room) yards.leave(room, socket.id);
      });
    });
  });
}

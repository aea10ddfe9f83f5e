import { createHash } from 'node:crypto';

/** The part of a node-redis client the fleet uses: raw commands, so replies are Redis' own shapes. */
export interface RedisCommander {
  sendCommand<T = unknown>(args: ReadonlyArray<string | Buffer>): Promise<T>;
}

/** A Lua script run by its hash, sent whole once when the server does not know it (first use, or after a restart). */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run<T = unknown>(redis: RedisCommander, keys: string[], args: Array<string | number>): Promise<T> {
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await redis.sendCommand<T>(['EVALSHA', this.sha, ...tail]);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.sendCommand<T>(['EVAL', this.source, ...tail]);
    }
  }
}

/** The error a script returns with `redis.error_reply(code)`, or a Redis error of another kind. */
export function scriptError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

import { until } from './until';

export interface SseEvent {
  id?: string;
  event: string;
  data: any;
}

/**
 * A test client for Crowsnest's SSE streams: keeps every event, and applies
 * snapshot/added/modified/deleted to a row map per kind, as the UI does.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly rows = new Map<string, Map<string, any>>();
  lastId?: string;
  ended = false;
  status = 0;
  private readonly controller = new AbortController();
  private done!: Promise<void>;

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const request = () => fetch(url, { headers: { Accept: 'text/event-stream', ...headers }, signal: client.controller.signal });
    // Pooled keep-alive connections the server closed while this (busy) process was not looking fail at once;
    // like a browser, try such an idempotent GET again, until a connection that is still open takes it.
    let res: Response | undefined;
    for (let attempt = 1; !res; attempt++) {
      res = await request().catch((err: { cause?: { code?: string } }) => {
        if (err.cause?.code === 'UND_ERR_SOCKET' && attempt < 10) return undefined;
        throw err;
      });
    }
    client.status = res.status;
    if (res.status !== 200 || !res.body) {
      client.ended = true;
      client.events.push({ event: 'http-error', data: await res.json().catch(() => null) });
      return client;
    }
    client.done = client.read(res.body);
    return client;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let split: number;
        while ((split = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          this.parse(block);
        }
      }
    } catch {
      /* aborted */
    } finally {
      this.ended = true;
    }
  }

  private parse(block: string): void {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.events.push({ event: 'comment', data: line.slice(1).trim() });
        return;
      }
      if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
      else if (line.startsWith('retry: ')) return;
    }
    const parsed = data.length ? JSON.parse(data.join('\n')) : null;
    if (id !== undefined) this.lastId = id;
    this.events.push({ id, event, data: parsed });
    const kind = parsed?.kind as string | undefined;
    if (!kind) return;
    let rows = this.rows.get(kind);
    if (!rows) this.rows.set(kind, (rows = new Map()));
    if (event === 'snapshot') {
      rows.clear();
      for (const row of parsed.items) rows.set(row.uid, row);
    } else if (event === 'added' || event === 'modified') rows.set(parsed.row.uid, parsed.row);
    else if (event === 'deleted') rows.delete(parsed.key.uid);
  }

  of(event: string): SseEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  names(kind: string): string[] {
    return [...(this.rows.get(kind)?.values() ?? [])].map((r) => `${r.namespace ?? ''}/${r.name}`).sort();
  }

  waitFor(check: (client: SseClient) => unknown, message: string, timeoutMs = 15_000): Promise<unknown> {
    return until(() => check(this), { message, timeoutMs });
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done?.catch(() => undefined);
  }
}

import { randomUUID } from 'node:crypto';
import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { flatLatin1, flattenHead, flatUuid } from '../../server/http/flatText';

describe('flat strings for long-lived values', () => {
  it('keeps the text exactly, including latin1 beyond ASCII', () => {
    const uuid = randomUUID();
    expect(flatLatin1(uuid)).toBe(uuid);
    expect(flatLatin1('caf\u00e9 \u00ff')).toBe('caf\u00e9 \u00ff');
    expect(flatUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('leaves a response whose head it flattened sending the same head', async () => {
    let held: ServerResponse | undefined;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'X-Request-ID': randomUUID(), 'X-Note': 'caf\u00e9' });
      const before = (res as unknown as { _header: string })._header;
      flattenHead(res);
      expect((res as unknown as { _header: string })._header).toBe(before);
      res.write(': ping\n\n');
      held = res;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { headers, first } = await new Promise<{ headers: Record<string, unknown>; first: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/' }, (res) => res.once('data', (chunk: Buffer) => resolve({ headers: res.headers, first: chunk.toString() })))
        .on('error', reject)
        .end();
    });
    expect(headers['content-type']).toBe('text/event-stream');
    expect(headers['x-note']).toBe('caf\u00e9');
    expect(first).toBe(': ping\n\n');
    held?.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
});

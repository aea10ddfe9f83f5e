import { describe, expect, it } from 'vitest';
import { lines } from '../../server/kube/kubeRequest';

async function* chunks(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part;
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines(source)) out.push(line);
  return out;
}

const event = (type: string, name: string, labels: Record<string, string>) =>
  JSON.stringify({ type, object: { kind: 'Pod', metadata: { name, namespace: 'team-a', labels } } });

describe('lines of a watch answer', () => {
  const expected = [event('ADDED', 'ウェブ-サーバー-1', { team: '開発チーム', mood: '🚀🦊' }), event('MODIFIED', 'ウェブ-サーバー-1', { note: 'é👩‍💻' })];
  const body = Buffer.from(expected.join('\n') + '\n');

  it('keeps every multi-byte character whole, wherever the answer is split in two', async () => {
    for (let at = 0; at <= body.length; at++) {
      const got = await collect(chunks(body.subarray(0, at), body.subarray(at)));
      expect(got, `split at byte ${at}`).toEqual(expected);
    }
  });

  it('keeps them whole when every byte arrives alone', async () => {
    expect(await collect(chunks(...[...body].map((b) => Uint8Array.of(b))))).toEqual(expected);
  });

  it('skips blank lines, drops CR, yields a last line without a newline, and never cuts a long event', async () => {
    const long = event('ADDED', 'big', { data: 'x'.repeat(600_000) });
    expect(await collect(chunks(Buffer.from(`\n${expected[0]}\r\n\n${long}\n${expected[1]}`)))).toEqual([expected[0], long, expected[1]]);
  });
});

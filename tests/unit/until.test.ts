import { describe, expect, it } from 'vitest';
import { until } from '../support/until';

describe('until', () => {
  it('returns the first truthy value', async () => {
    let n = 0;
    await expect(until(() => (++n >= 3 ? n : 0), { intervalMs: 1 })).resolves.toBe(3);
  });
  it('names the condition when it times out', async () => {
    await expect(until(() => false, { timeoutMs: 20, intervalMs: 5, message: 'the moon' })).rejects.toThrow(/the moon/);
  });
});

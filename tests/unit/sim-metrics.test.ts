import { describe, expect, it } from 'vitest';
import { parseQuantity } from '@/lib/ui/units';
import { containerUsage } from '@/sim/metrics';

describe('simulated container usage', () => {
  const resources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } };

  it('follows the container’s requests and stays under its memory limit, as a living container would', () => {
    for (let i = 0; i < 200; i++) {
      const usage = containerUsage(`uid-${i}`, 'web', 1_700_000_000_000 + i * 37_000, resources);
      const cpu = parseQuantity(usage.cpu);
      const memory = parseQuantity(usage.memory);
      expect(cpu).toBeGreaterThanOrEqual(0.1 * 0.3 * 0.8 - 1e-9);
      expect(cpu).toBeLessThanOrEqual(0.1 * 0.9 * 1.2 + 1e-9);
      expect(memory).toBeGreaterThan(128 * 2 ** 20 * 0.6 * 0.8 * 0.99);
      expect(memory).toBeLessThan(256 * 2 ** 20 * 0.9);
    }
  });

  it('still reports usage for a container without requests', () => {
    const usage = containerUsage('uid', 'sidecar', 1_700_000_000_000);
    expect(parseQuantity(usage.cpu)).toBeGreaterThan(0);
    expect(parseQuantity(usage.memory)).toBeGreaterThan(1024 * 1024);
  });
});

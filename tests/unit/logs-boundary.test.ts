import { describe, expect, it } from 'vitest';
import { Boundary, compareTimes, sinceTimeOf, type LogEntry } from '../../server/sockets/logs/logLines';

const at = (time: string, text: string): LogEntry => ({ time, text });

describe('the boundary of a reopened log follow', () => {
  it('orders Kubernetes times whose fractions have their trailing zeros trimmed', () => {
    expect(compareTimes('2026-01-01T10:00:00.1Z', '2026-01-01T10:00:00.09Z')).toBeGreaterThan(0);
    expect(compareTimes('2026-01-01T10:00:00Z', '2026-01-01T10:00:00.000000001Z')).toBeLessThan(0);
    expect(compareTimes('2026-01-01T10:00:00.5Z', '2026-01-01T10:00:00.500000000Z')).toBe(0);
  });

  it('reopens from the last relayed line’s whole second', () => {
    expect(sinceTimeOf('2026-01-01T10:00:07.123456789Z')).toBe('2026-01-01T10:00:07Z');
  });

  it('skips what was relayed already, including lines that share the last one’s time, and passes the rest', () => {
    const boundary = new Boundary('2026-01-01T10:00:00.5Z', ['trace 1', 'trace 2']);
    const resent = [at('2026-01-01T10:00:00.1Z', 'old'), at('2026-01-01T10:00:00.5Z', 'trace 1'), at('2026-01-01T10:00:00.5Z', 'trace 2'), at('2026-01-01T10:00:00.5Z', 'trace 3')];
    expect(boundary.filter(resent).map((e) => e.text)).toEqual(['trace 3']);
    // Past the boundary everything passes, even a line that repeats an earlier text.
    expect(boundary.filter([at('2026-01-01T10:00:00.6Z', 'trace 1'), at('2026-01-01T10:00:00.6Z', 'trace 1')]).map((e) => e.text)).toEqual(['trace 1', 'trace 1']);
  });

  it('passes a line with a new time even when its text was seen at the boundary', () => {
    const boundary = new Boundary('2026-01-01T10:00:00.5Z', ['same']);
    expect(boundary.filter([at('2026-01-01T10:00:00.7Z', 'same')]).map((e) => e.text)).toEqual(['same']);
  });
});

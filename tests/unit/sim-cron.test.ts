import { describe, expect, it } from 'vitest';
import { lastRunBetween, nextRun, parseCron } from '../../sim/controllers/cron';

const at = (iso: string) => Date.parse(iso);
const next = (schedule: string, after: string) => new Date(nextRun(parseCron(schedule), at(after))!).toISOString();

describe('cron schedules', () => {
  it('fires every minute for * * * * *, strictly after the given time', () => {
    expect(next('* * * * *', '2026-03-01T10:00:00Z')).toBe('2026-03-01T10:01:00.000Z');
    expect(next('* * * * *', '2026-03-01T10:00:30Z')).toBe('2026-03-01T10:01:00.000Z');
  });

  it('understands steps, ranges, lists and ranges with steps', () => {
    expect(next('*/15 * * * *', '2026-03-01T10:16:00Z')).toBe('2026-03-01T10:30:00.000Z');
    expect(next('0 9-17 * * *', '2026-03-01T17:30:00Z')).toBe('2026-03-02T09:00:00.000Z');
    expect(next('5,35 * * * *', '2026-03-01T10:06:00Z')).toBe('2026-03-01T10:35:00.000Z');
    expect(next('10-50/20 * * * *', '2026-03-01T10:31:00Z')).toBe('2026-03-01T10:50:00.000Z');
  });

  it('reads month and weekday names, 7 as Sunday, and the @ shorthands', () => {
    expect(next('0 0 1 jan *', '2026-03-01T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    // 2026-03-01 is a Sunday.
    expect(next('0 12 * * sun', '2026-03-01T13:00:00Z')).toBe('2026-03-08T12:00:00.000Z');
    expect(next('0 12 * * 7', '2026-03-01T11:00:00Z')).toBe('2026-03-01T12:00:00.000Z');
    expect(next('0 8 * * mon-fri', '2026-03-07T09:00:00Z')).toBe('2026-03-09T08:00:00.000Z');
    expect(next('@hourly', '2026-03-01T10:20:00Z')).toBe('2026-03-01T11:00:00.000Z');
    expect(next('@daily', '2026-03-01T10:20:00Z')).toBe('2026-03-02T00:00:00.000Z');
  });

  it('runs on a day matching either day field when both are restricted, as cron does', () => {
    // The 15th, or any Monday: 2026-03-02 is a Monday.
    expect(next('0 0 15 * mon', '2026-03-01T00:00:00Z')).toBe('2026-03-02T00:00:00.000Z');
    expect(next('0 0 15 * mon', '2026-03-09T00:00:00Z')).toBe('2026-03-15T00:00:00.000Z');
  });

  it('finds a February 29th years ahead without walking minute by minute', () => {
    expect(next('0 0 29 2 *', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
  });

  it('gives the latest missed run in a window, or none', () => {
    const s = parseCron('*/10 * * * *');
    expect(new Date(lastRunBetween(s, at('2026-03-01T10:00:00Z'), at('2026-03-01T10:35:00Z'))!).toISOString()).toBe('2026-03-01T10:30:00.000Z');
    expect(lastRunBetween(s, at('2026-03-01T10:01:00Z'), at('2026-03-01T10:09:59Z'))).toBeUndefined();
  });

  it('rejects malformed schedules with a message naming the field', () => {
    expect(() => parseCron('* * * *')).toThrow(/expected 5 fields, got 4/);
    expect(() => parseCron('61 * * * *')).toThrow(/invalid minute "61"/);
    expect(() => parseCron('* 5-2 * * *')).toThrow(/invalid range "5-2" in hour/);
    expect(() => parseCron('* * * foo *')).toThrow(/invalid month "foo"/);
    expect(() => parseCron('*/0 * * * *')).toThrow(/invalid step/);
  });
});

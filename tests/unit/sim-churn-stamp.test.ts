import { describe, expect, it } from 'vitest';
import { CHURN_STAMP_LABEL, nowMicros, startChurn } from '../../sim/scenarios/churn';
import { seedScenario } from '../../sim/scenarios/index';
import { Registry } from '../../sim/resources';
import { Store, type StoreEvent } from '../../sim/store';
import { until } from '../support/until';

/** Runs `large:<pods>` churn at `rate` until `count` pod events were written, and returns them. */
async function churned(opts: { stamp?: boolean }, count = 20): Promise<StoreEvent[]> {
  const store = new Store();
  seedScenario('large:50', store, new Registry([]));
  const events: StoreEvent[] = [];
  store.subscribe((e) => {
    if (e.key === '/pods') events.push(e);
  });
  const abort = new AbortController();
  startChurn('large:50', store, abort.signal, { rate: 200, ...opts });
  try {
    await until(() => events.length >= count, { message: `${count} churned pod events` });
  } finally {
    abort.abort();
  }
  return events;
}

describe('large churn', () => {
  it('stamps every created and modified pod with the wall-clock microsecond of the write', async () => {
    const from = nowMicros();
    const events = await churned({ stamp: true });
    const to = nowMicros();
    const written = events.filter((e) => e.type !== 'DELETED');
    expect(written.length).toBeGreaterThan(0);
    for (const e of written) {
      const stamp = e.object.metadata.labels?.[CHURN_STAMP_LABEL];
      expect(stamp).toMatch(/^\d{16}$/);
      expect(Number(stamp)).toBeGreaterThanOrEqual(from);
      expect(Number(stamp)).toBeLessThanOrEqual(to);
    }
  });

  it('changes its rate while it runs, and pauses at 0', async () => {
    const store = new Store();
    seedScenario('large:50', store, new Registry([]));
    let events = 0;
    store.subscribe((e) => {
      if (e.key === '/pods') events++;
    });
    const abort = new AbortController();
    const setRate = startChurn('large:50', store, abort.signal, { rate: 0 })!;
    try {
      setRate(500);
      await until(() => events >= 10, { message: 'churn after the rate went up' });
      setRate(0);
      // Ticks run synchronously: from here on, nothing may change.
      const paused = events;
      await new Promise((r) => setTimeout(r, 300));
      expect(events).toBe(paused);
    } finally {
      abort.abort();
    }
  });

  it('leaves pods unstamped unless asked', async () => {
    const events = await churned({});
    expect(events.some((e) => e.object.metadata.labels?.[CHURN_STAMP_LABEL] !== undefined)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce';

describe('coalesce', () => {
  it('folds a burst of triggers into one run now and one run after the interval', async () => {
    let now = 0;
    const timers: { fn: () => void; at: number }[] = [];
    let runs = 0;
    let release: () => void = () => undefined;
    const task = () => {
      runs++;
      return new Promise<void>((r) => (release = r));
    };
    const refetch = coalesce(task, 1000, {
      now: () => now,
      setTimeout: (fn, ms) => timers.push({ fn, at: now + ms }),
      clearTimeout: () => undefined,
    });
    refetch();
    for (let i = 0; i < 50; i++) refetch(); // while the first run is in flight
    expect(runs).toBe(1);
    now = 200;
    release();
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
    expect(runs).toBe(1); // waits for the interval
    expect(timers).toHaveLength(1);
    now = timers[0]!.at;
    timers[0]!.fn();
    expect(runs).toBe(2);
  });
});

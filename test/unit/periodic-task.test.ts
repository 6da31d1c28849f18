import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeriodicTask } from '../../src/features/background/periodic-task.js';
import { createLogger } from '../../src/logger.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('PeriodicTask', () => {
  it('runs at once, again one interval after each run, keeps going after a failure, and stops', async () => {
    vi.useFakeTimers();
    let runs = 0;
    const task = new PeriodicTask({
      name: 't',
      intervalMs: 1000,
      logger: createLogger('silent'),
      work: async () => {
        runs++;
        if (runs === 2) throw new Error('cloud away');
      },
    });
    task.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(3);
    await task.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(3);
  });

  it('does nothing with an interval of 0', async () => {
    let runs = 0;
    const task = new PeriodicTask({ name: 't', intervalMs: 0, logger: createLogger('silent'), work: async () => void runs++ });
    task.start();
    await task.stop();
    expect(runs).toBe(0);
  });
});

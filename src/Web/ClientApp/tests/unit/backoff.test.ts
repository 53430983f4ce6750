import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, parseRetryAfter } from '../../src/realtime/backoff';

describe('backoffDelay', () => {
  const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };

  it('doubles from the initial delay per attempt', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, noJitter))).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('never exceeds the maximum', () => {
    expect(backoffDelay(6, noJitter)).toBe(30_000);
    expect(backoffDelay(50, noJitter)).toBe(30_000);
    expect(backoffDelay(10_000, noJitter)).toBe(30_000);
  });

  it('treats attempts below 1 as the first', () => {
    expect(backoffDelay(0, noJitter)).toBe(1000);
    expect(backoffDelay(-3, noJitter)).toBe(1000);
  });

  it('jitter spreads the delay over [cap·(1−jitter), cap]', () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(2000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 1)).toBe(4000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(3000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(4, DEFAULT_BACKOFF);
      expect(d).toBeGreaterThanOrEqual(4000);
      expect(d).toBeLessThanOrEqual(8000);
    }
  });

  it('spreads many clients instead of synchronising them', () => {
    const delays = new Set(Array.from({ length: 100 }, () => backoffDelay(2, DEFAULT_BACKOFF)));
    expect(delays.size).toBeGreaterThan(50);
  });

  it('full jitter may go down to zero, out-of-range randoms are clamped', () => {
    const full = { ...DEFAULT_BACKOFF, jitter: 1 };
    expect(backoffDelay(2, full, () => 0)).toBe(0);
    expect(backoffDelay(2, full, () => 7)).toBe(2000);
  });

  it('honours a custom initial delay and multiplier', () => {
    expect(backoffDelay(3, { initialMs: 500, maxMs: 10_000, multiplier: 3, jitter: 0 })).toBe(4500);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('5')).toBe(5000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('Thu, 01 Jan 2026 00:00:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { TransportPolicy } from '../../src/realtime/fallback';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('TransportPolicy', () => {
  it('starts on SSE and retries it once before falling back', () => {
    const policy = new TransportPolicy();
    expect(policy.current).toBe('sse');
    expect(policy.failed(false)).toEqual({ action: 'retry', transport: 'sse' });
    expect(policy.failed(false)).toMatchObject({ action: 'fallback', from: 'sse', transport: 'ws' });
    expect(policy.current).toBe('ws');
  });

  it('goes SSE → WebSocket → long-poll and never gives up on the last one', () => {
    const policy = new TransportPolicy({ failuresBeforeFallback: 1 });
    expect(policy.failed(false)).toMatchObject({ action: 'fallback', transport: 'ws' });
    expect(policy.failed(false)).toMatchObject({ action: 'fallback', transport: 'poll' });
    for (let i = 0; i < 10; i++) expect(policy.failed(false)).toEqual({ action: 'retry', transport: 'poll' });
  });

  it('a successful connect resets the failure count', () => {
    const policy = new TransportPolicy();
    policy.failed(false);
    policy.connected();
    expect(policy.failed(false)).toEqual({ action: 'retry', transport: 'sse' });
    expect(policy.current).toBe('sse');
  });

  it('falls back when an established transport keeps dropping', () => {
    const c = clock();
    const policy = new TransportPolicy({}, c.now);
    for (let i = 0; i < 2; i++) {
      policy.connected();
      c.advance(2_000);
      expect(policy.failed(true)).toEqual({ action: 'retry', transport: 'sse' });
    }
    policy.connected();
    c.advance(2_000);
    expect(policy.failed(true)).toMatchObject({ action: 'fallback', transport: 'ws', reason: expect.stringContaining('dropped') });
  });

  it('drops of stable connections, or spread over a long time, do not count', () => {
    const c = clock();
    const policy = new TransportPolicy({}, c.now);
    for (let i = 0; i < 10; i++) {
      policy.connected();
      c.advance(20_000); // lived longer than stableAfterMs
      expect(policy.failed(true).action).toBe('retry');
    }
    for (let i = 0; i < 10; i++) {
      policy.connected();
      c.advance(1_000);
      expect(policy.failed(true).action).toBe('retry');
      c.advance(40_000); // outside the 60 s window after two
    }
    expect(policy.current).toBe('sse');
  });

  it('suggests an upgrade after the interval on a fallback, and a failed probe reverts at once', () => {
    const c = clock();
    const policy = new TransportPolicy({ failuresBeforeFallback: 1, upgradeIntervalMs: 60_000 }, c.now);
    policy.failed(false); // → ws
    policy.connected();
    expect(policy.shouldUpgrade()).toBe(false);
    c.advance(59_000);
    expect(policy.shouldUpgrade()).toBe(false);
    c.advance(1_000);
    expect(policy.shouldUpgrade()).toBe(true);

    expect(policy.upgrade()).toBe('sse');
    expect(policy.isProbing).toBe(true);
    expect(policy.failed(false)).toEqual({ action: 'revert', from: 'sse', transport: 'ws' });
    expect(policy.isProbing).toBe(false);
    policy.connected();
    expect(policy.shouldUpgrade()).toBe(false); // the interval starts again
    c.advance(60_000);
    expect(policy.shouldUpgrade()).toBe(true);
  });

  it('a successful probe stays on the preferred transport', () => {
    const c = clock();
    const policy = new TransportPolicy({ failuresBeforeFallback: 1, upgradeIntervalMs: 1_000 }, c.now);
    policy.failed(false);
    policy.connected();
    c.advance(1_000);
    policy.upgrade();
    policy.connected();
    expect(policy.current).toBe('sse');
    expect(policy.isFallback).toBe(false);
    expect(policy.shouldUpgrade()).toBe(false);
  });

  it('no upgrades on the preferred transport, nor while disconnected, nor when disabled', () => {
    const c = clock();
    const policy = new TransportPolicy({ failuresBeforeFallback: 1, upgradeIntervalMs: 0 }, c.now);
    policy.connected();
    c.advance(1e9);
    expect(policy.shouldUpgrade()).toBe(false);
    policy.failed(false);
    policy.connected();
    c.advance(1e9);
    expect(policy.shouldUpgrade()).toBe(false);

    const other = new TransportPolicy({ failuresBeforeFallback: 1 }, c.now);
    other.failed(false);
    c.advance(1e9);
    expect(other.shouldUpgrade()).toBe(false); // never connected on ws
  });

  it('respects a custom order', () => {
    const policy = new TransportPolicy({ order: ['ws', 'poll'], failuresBeforeFallback: 1 });
    expect(policy.current).toBe('ws');
    expect(policy.failed(false)).toMatchObject({ transport: 'poll' });
    policy.reset();
    expect(policy.current).toBe('ws');
  });
});

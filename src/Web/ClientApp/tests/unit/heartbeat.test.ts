import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HeartbeatMonitor } from '../../src/realtime/heartbeat';

describe('HeartbeatMonitor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once after 2× the interval without a ping', () => {
    const silence = vi.fn();
    const monitor = new HeartbeatMonitor(silence);
    monitor.start(30);
    vi.advanceTimersByTime(59_999);
    expect(silence).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(silence).toHaveBeenCalledTimes(1);
    expect(silence.mock.calls[0][0]).toBeGreaterThanOrEqual(60_000);
    vi.advanceTimersByTime(600_000);
    expect(silence).toHaveBeenCalledTimes(1);
    expect(monitor.running).toBe(false);
  });

  it('every ping pushes the deadline back', () => {
    const silence = vi.fn();
    const monitor = new HeartbeatMonitor(silence);
    monitor.start(30);
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(30_000);
      monitor.beat();
    }
    expect(silence).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60_000);
    expect(silence).toHaveBeenCalledTimes(1);
  });

  it('uses the configured factor', () => {
    const silence = vi.fn();
    const monitor = new HeartbeatMonitor(silence, 3);
    monitor.start(1);
    vi.advanceTimersByTime(2_999);
    expect(silence).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(silence).toHaveBeenCalledOnce();
  });

  it('stop() cancels detection; beats before start do nothing', () => {
    const silence = vi.fn();
    const monitor = new HeartbeatMonitor(silence);
    monitor.beat();
    vi.advanceTimersByTime(1_000_000);
    monitor.start(10);
    monitor.stop();
    vi.advanceTimersByTime(1_000_000);
    expect(silence).not.toHaveBeenCalled();
  });

  it('isStale after more than one interval of silence (for wake-up checks)', () => {
    const monitor = new HeartbeatMonitor(() => undefined);
    monitor.start(30);
    vi.advanceTimersByTime(30_500);
    expect(monitor.isStale()).toBe(false);
    vi.advanceTimersByTime(1_000);
    expect(monitor.isStale()).toBe(true);
    monitor.beat();
    expect(monitor.isStale()).toBe(false);
  });

  it('a late timer after a clock jump re-arms instead of firing early', () => {
    let now = 0;
    const silence = vi.fn();
    const monitor = new HeartbeatMonitor(silence, 2, () => now);
    monitor.start(10);
    now = 15_000; // a beat at 15 s that raced with the timer
    monitor.beat();
    now = 20_000;
    vi.advanceTimersByTime(20_000);
    expect(silence).not.toHaveBeenCalled();
  });
});

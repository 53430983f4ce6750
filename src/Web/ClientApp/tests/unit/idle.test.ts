import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdleTracker, type Activity } from '../../src/react/idle';

describe('createIdleTracker', () => {
  let changes: Activity[];
  beforeEach(() => {
    vi.useFakeTimers();
    changes = [];
  });
  afterEach(() => vi.useRealTimers());

  const tracker = () => createIdleTracker({ timeoutMs: 60_000, onChange: (a) => changes.push(a) });

  it('goes idle after the quiet time, not before', () => {
    const t = tracker();
    vi.advanceTimersByTime(59_999);
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(changes).toEqual(['idle']);
    expect(t.state).toBe('idle');
  });

  it('activity keeps it online and brings it back, reporting each change once', () => {
    const t = tracker();
    vi.advanceTimersByTime(50_000);
    t.activity();
    vi.advanceTimersByTime(50_000);
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(10_000);
    t.activity();
    t.activity();
    expect(changes).toEqual(['idle', 'online']);
  });

  it('a hidden tab is idle at once and ignores activity until shown', () => {
    const t = tracker();
    t.visibility(true);
    t.activity();
    expect(changes).toEqual(['idle']);
    t.visibility(false);
    expect(changes).toEqual(['idle', 'online']);
    vi.advanceTimersByTime(60_000);
    expect(changes).toEqual(['idle', 'online', 'idle']);
  });

  it('stops timing when disposed', () => {
    const t = tracker();
    t.dispose();
    vi.advanceTimersByTime(120_000);
    expect(changes).toEqual([]);
  });
});

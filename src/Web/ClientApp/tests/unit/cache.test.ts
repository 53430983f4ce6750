import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventCache } from '../../src/realtime/cache';
import type { BeaconEvent } from '../../src/realtime/events';
import { MemoryStorage } from './fakes';

const ev = (type: string, id: string | undefined, data: unknown = {}): BeaconEvent => ({ type, id, data, receivedAt: Date.now() });

describe('EventCache', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-23T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('answers per-type queries, oldest first, with limits', () => {
    const cache = new EventCache();
    cache.add(ev('notification', 'e-1', { n: 1 }));
    cache.add(ev('progress', 'e-2'));
    cache.add(ev('notification', 'e-3', { n: 3 }));
    cache.add(ev('unread_count', 'e-4', { count: 2 }));
    expect(cache.query({ type: 'notification' }).map((e) => e.id)).toEqual(['e-1', 'e-3']);
    expect(cache.query({ type: ['progress', 'unread_count'] }).map((e) => e.id)).toEqual(['e-2', 'e-4']);
    expect(cache.query({ limit: 2 }).map((e) => e.id)).toEqual(['e-3', 'e-4']);
    expect(cache.latest('notification')?.data).toEqual({ n: 3 });
    expect(cache.latest('notification', (e) => (e.data as { n: number }).n === 1)?.id).toBe('e-1');
    expect(cache.latest('system')).toBeUndefined();
  });

  it('ignores protocol events and duplicates', () => {
    const cache = new EventCache();
    cache.add(ev('connected', undefined));
    cache.add(ev('ping', undefined));
    cache.add(ev('token_expired', undefined));
    cache.add(ev('update', 'x-1'));
    cache.add(ev('update', 'x-1'));
    expect(cache.size).toBe(1);
  });

  it('expires events after the TTL', () => {
    const cache = new EventCache({ ttlMs: 60_000 });
    cache.add(ev('update', 'a'));
    vi.advanceTimersByTime(30_000);
    cache.add(ev('update', 'b'));
    vi.advanceTimersByTime(30_001);
    expect(cache.query().map((e) => e.id)).toEqual(['b']);
    vi.advanceTimersByTime(30_000);
    expect(cache.query()).toEqual([]);
    cache.add(ev('update', 'a')); // an expired id may come again (e.g. a replay) and is kept
    expect(cache.size).toBe(1);
  });

  it('keeps at most maxEvents, dropping the oldest', () => {
    const cache = new EventCache({ maxEvents: 3 });
    for (let i = 1; i <= 5; i++) cache.add(ev('update', `e-${i}`));
    expect(cache.query().map((e) => e.id)).toEqual(['e-3', 'e-4', 'e-5']);
  });

  it('persists to storage in batches and reloads unexpired events', () => {
    const storage = new MemoryStorage();
    const cache = new EventCache({ storage, key: 'k', ttlMs: 60_000, persistDelayMs: 250 });
    cache.add(ev('update', 'a'));
    cache.add(ev('update', 'b'));
    expect(storage.getItem('k')).toBeNull();
    vi.advanceTimersByTime(250);
    expect(JSON.parse(storage.getItem('k')!).events).toHaveLength(2);

    vi.advanceTimersByTime(40_000);
    const reloaded = new EventCache({ storage, key: 'k', ttlMs: 60_000 });
    expect(reloaded.query({ type: 'update' }).map((e) => e.id)).toEqual(['a', 'b']);
    vi.advanceTimersByTime(20_001);
    expect(new EventCache({ storage, key: 'k', ttlMs: 60_000 }).size).toBe(0);
  });

  it('does not write when persist is off (a follower tab), and survives corrupt or full storage', () => {
    const storage = new MemoryStorage();
    const follower = new EventCache({ storage, key: 'k', persist: false });
    follower.add(ev('update', 'a'));
    vi.advanceTimersByTime(1_000);
    expect(storage.getItem('k')).toBeNull();

    storage.setItem('bad', '{not json');
    expect(new EventCache({ storage, key: 'bad' }).size).toBe(0);

    const cache = new EventCache({ storage, key: 'full' });
    for (let i = 0; i < 10; i++) cache.add(ev('update', `e-${i}`));
    storage.failWrites = 1;
    cache.flush();
    expect(JSON.parse(storage.getItem('full')!).events.map((e: BeaconEvent) => e.id)).toEqual(['e-5', 'e-6', 'e-7', 'e-8', 'e-9']);
  });

  it('notifies subscribers and clears', () => {
    const storage = new MemoryStorage();
    const cache = new EventCache({ storage, key: 'k' });
    const listener = vi.fn();
    const off = cache.subscribe(listener);
    cache.add(ev('update', 'a'));
    expect(listener).toHaveBeenCalledTimes(1);
    cache.flush();
    cache.clear();
    expect(cache.size).toBe(0);
    expect(storage.getItem('k')).toBeNull();
    off();
    cache.add(ev('update', 'b'));
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('forgets on sign-out: nothing stays in storage, and a later flush writes nothing back', () => {
    const storage = new MemoryStorage();
    const cache = new EventCache({ storage, key: 'beacon:cache:alice' });
    cache.add(ev('notification', 'e-1'));
    cache.flush();
    expect(storage.getItem('beacon:cache:alice')).not.toBeNull();

    cache.forget();
    cache.add(ev('notification', 'e-2'));
    cache.flush();
    vi.advanceTimersByTime(1_000);
    expect(storage.getItem('beacon:cache:alice')).toBeNull();
  });

  it('a forgotten cache stays silent even when its tab is later handed the shared connection (persist set again)', () => {
    const storage = new MemoryStorage();
    const cache = new EventCache({ storage, key: 'beacon:cache:alice', persist: false });
    cache.forget();
    cache.persist = true; // what SharedBeaconClient.lead() does
    cache.add(ev('notification', 'e-1'));
    vi.advanceTimersByTime(1_000);
    cache.flush();
    expect(storage.getItem('beacon:cache:alice')).toBeNull();
  });

  it("forgetAll removes every user's cached events and nothing else", () => {
    const storage = new MemoryStorage();
    storage.setItem('beacon:cache:alice', '[]');
    storage.setItem('beacon:cache:bob', '[]');
    storage.setItem('beacon:auth', '{}');
    EventCache.forgetAll(storage, 'beacon:cache:');
    expect([...storage.map.keys()]).toEqual(['beacon:auth']);
  });
});

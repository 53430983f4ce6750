import { CONTROL_EVENT_TYPES, type BeaconEvent, type PayloadOf } from './events';

/** The part of `Storage` the cache uses (localStorage in browsers). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A storage whose keys can be listed (localStorage in browsers). */
export interface KeyedStorage extends StorageLike {
  readonly length: number;
  key(index: number): string | null;
}

export interface EventCacheOptions {
  /** Where to persist; null keeps events in memory only. */
  storage?: StorageLike | null;
  /** The storage key (one per user, so users on a shared machine do not see each other's events). */
  key?: string;
  /** Events older than this are dropped (ms, default 15 min). */
  ttlMs?: number;
  /** At most this many events are kept (default 200; the oldest go first). */
  maxEvents?: number;
  /** Writes are batched this long (ms, default 250). */
  persistDelayMs?: number;
  /** Whether this instance writes to storage (in a shared setup only the leader tab does). */
  persist?: boolean;
  now?: () => number;
}

export interface CacheQuery {
  /** One type or several; all types when absent. */
  type?: string | string[];
  /** Only events received at or after this time (ms). */
  since?: number;
  /** The newest `limit` events. */
  limit?: number;
  where?: (event: BeaconEvent) => boolean;
}

/**
 * Recent events in memory and in `localStorage`, with expiry and per-type queries, so a page can render at
 * once after a reload (the unread badge, a job's progress, the demo log) while the stream reconnects.
 * Protocol events (connected, ping, token_expired) are not kept.
 */
export class EventCache {
  private events: BeaconEvent[] = [];
  private readonly ids = new Set<string>();
  private readonly storage: StorageLike | null;
  private readonly key: string;
  private readonly ttlMs: number;
  private readonly maxEvents: number;
  private readonly persistDelayMs: number;
  private readonly now: () => number;
  private writeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();
  private forgotten = false;
  persist: boolean;

  constructor(options: EventCacheOptions = {}) {
    this.storage = options.storage ?? null;
    this.key = options.key ?? 'beacon:events';
    this.ttlMs = options.ttlMs ?? 15 * 60_000;
    this.maxEvents = options.maxEvents ?? 200;
    this.persistDelayMs = options.persistDelayMs ?? 250;
    this.persist = options.persist ?? true;
    this.now = options.now ?? Date.now;
    this.load();
  }

  get size(): number {
    return this.events.length;
  }

  add(event: BeaconEvent): void {
    if (CONTROL_EVENT_TYPES.has(event.type)) return;
    if (event.id !== undefined) {
      if (this.ids.has(event.id)) return;
      this.ids.add(event.id);
    }
    this.events.push(event);
    this.trim();
    this.scheduleWrite();
    for (const listener of [...this.listeners]) listener();
  }

  /** Matching events, oldest first. */
  query(query: CacheQuery = {}): BeaconEvent[] {
    this.expire();
    const types = query.type === undefined ? undefined : new Set(Array.isArray(query.type) ? query.type : [query.type]);
    let found = this.events.filter((e) =>
      (!types || types.has(e.type)) && (query.since === undefined || e.receivedAt >= query.since) && (!query.where || query.where(e)));
    if (query.limit !== undefined) found = found.slice(Math.max(0, found.length - query.limit));
    return found;
  }

  /** The newest event of `type`. */
  latest<K extends string>(type: K, where?: (event: BeaconEvent<PayloadOf<K>>) => boolean): BeaconEvent<PayloadOf<K>> | undefined {
    this.expire();
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i] as BeaconEvent<PayloadOf<K>>;
      if (e.type === type && (!where || where(e))) return e;
    }
    return undefined;
  }

  /** Called after every add (e.g. to re-render). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  clear(): void {
    this.events = [];
    this.ids.clear();
    clearTimeout(this.writeTimer);
    if (this.persist) this.storage?.removeItem(this.key);
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Empties the cache, in memory and in storage, and never writes to storage again: on sign-out, so that a cache
   * still held by a closing connection cannot write the last user's events back.
   */
  forget(): void {
    this.clear();
    this.storage?.removeItem(this.key);
    this.persist = false;
    // For good: a tab that is handed the shared connection sets `persist` again, and must not write either.
    this.forgotten = true;
  }

  /** Removes every key under `prefix` from `storage` (each user's cached events, on sign-out). */
  static forgetAll(storage: KeyedStorage, prefix: string): void {
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(prefix)) keys.push(key);
    }
    for (const key of keys) storage.removeItem(key);
  }

  /** Writes pending changes now. */
  flush(): void {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    if (!this.persist || this.forgotten || !this.storage) return;
    this.expire();
    let events = this.events;
    for (let tries = 0; tries < 3; tries++) {
      try {
        this.storage.setItem(this.key, JSON.stringify({ v: 1, events }));
        return;
      } catch {
        // Quota exceeded: keep the newer half and try again.
        events = events.slice(Math.floor(events.length / 2));
      }
    }
  }

  private load(): void {
    if (!this.storage) return;
    try {
      const raw = this.storage.getItem(this.key);
      if (!raw) return;
      const parsed = JSON.parse(raw) as { v?: number; events?: BeaconEvent[] };
      if (parsed.v !== 1 || !Array.isArray(parsed.events)) return;
      for (const e of parsed.events) {
        if (typeof e?.type !== 'string' || typeof e.receivedAt !== 'number') continue;
        if (e.id !== undefined) this.ids.add(e.id);
        this.events.push(e);
      }
      this.expire();
      this.trim();
    } catch {
      // A corrupt entry is not worth failing over; start empty.
    }
  }

  private expire(): void {
    const cutoff = this.now() - this.ttlMs;
    if (this.events.length === 0 || this.events[0].receivedAt >= cutoff) return;
    const kept = this.events.filter((e) => e.receivedAt >= cutoff);
    for (const e of this.events) if (e.receivedAt < cutoff && e.id !== undefined) this.ids.delete(e.id);
    this.events = kept;
  }

  private trim(): void {
    while (this.events.length > this.maxEvents) {
      const dropped = this.events.shift()!;
      if (dropped.id !== undefined) this.ids.delete(dropped.id);
    }
  }

  private scheduleWrite(): void {
    if (!this.persist || this.forgotten || !this.storage || this.writeTimer !== undefined) return;
    this.writeTimer = setTimeout(() => this.flush(), this.persistDelayMs);
  }
}

import { useCallback, useEffect, useRef, useState } from 'react';
import {
  BeaconClient, EventCache, SharedBeaconClient, canShareAcrossTabs, CONTROL_EVENT_TYPES,
  type BeaconEvent, type ConnectionStatus, type PayloadOf, type RealtimeClient, type ResetPayload, type TokenReason,
  type KeyedStorage, type TransportKind,
} from '../realtime';

/** The seed's options, plus topics, token and the client's extras. */
export interface SSEHookOptions {
  userId?: string;
  sessionId?: string;
  metadata?: Record<string, string>;
  autoReconnect?: boolean;
  /** First reconnect delay in ms; grows exponentially with jitter. */
  reconnectInterval?: number;
  maxReconnectAttempts?: number;
  topics?: string[];
  /** A bearer token, or a function returning the current one (called before every (re)connect). */
  token?: string | null | ((reason: TokenReason) => string | null | undefined | Promise<string | null | undefined>);
  /** Server origin; '' = this page's. */
  url?: string;
  /** Connect on mount (default true). */
  autoConnect?: boolean;
  /** One connection for all tabs of this browser (default true where BroadcastChannel exists). */
  shareAcrossTabs?: boolean;
  transports?: TransportKind[];
  /** Refetch application state after a `reset`. */
  onReset?: (reset: ResetPayload) => void;
  /** Keep recent events in localStorage for an instant render after reload (default true). */
  cache?: boolean;
}

/** The seed's result, plus the full status and the client itself. */
export interface SSEHookResult {
  isConnected: boolean;
  isConnecting: boolean;
  lastEvent: BeaconEvent | null;
  error: string | null;
  reconnectAttempts: number;
  connect: () => void;
  disconnect: () => void;
  addEventListener: <K extends string>(eventType: K, handler: (event: BeaconEvent<PayloadOf<K>>) => void) => () => void;
  status: ConnectionStatus;
  client: RealtimeClient;
  cache: EventCache | undefined;
}

interface Entry {
  client: RealtimeClient;
  cache: EventCache | undefined;
  refs: number;
  release: ReturnType<typeof setTimeout> | undefined;
  token: { current: SSEHookOptions['token'] };
  onReset: Set<(reset: ResetPayload) => void>;
}

/** Hooks with the same connection options share one client (and, across tabs, one connection). */
const registry = new Map<string, Entry>();

function keyOf(o: SSEHookOptions): string {
  return JSON.stringify([o.url ?? '', o.userId ?? '', o.sessionId ?? '', o.metadata ?? {}, [...(o.topics ?? [])].sort(), o.transports ?? [],
    o.shareAcrossTabs ?? true, o.autoReconnect ?? true, o.reconnectInterval ?? 0, o.maxReconnectAttempts ?? 0]);
}

/** Each user's cached events are stored under this prefix and their user id. */
const CACHE_PREFIX = 'beacon:cache:';

function acquire(key: string, options: SSEHookOptions): Entry {
  let entry = registry.get(key);
  if (entry) {
    clearTimeout(entry.release);
    entry.release = undefined;
    entry.refs++;
    return entry;
  }
  const token: Entry['token'] = { current: options.token };
  const onReset = new Set<(reset: ResetPayload) => void>();
  const storage = typeof localStorage !== 'undefined' ? localStorage : null;
  const cache = options.cache === false ? undefined : new EventCache({ storage, key: `${CACHE_PREFIX}${options.userId ?? 'anonymous'}` });
  const common = {
    url: options.url,
    userId: options.userId,
    sessionId: options.sessionId,
    metadata: options.metadata,
    topics: options.topics,
    autoReconnect: options.autoReconnect,
    reconnectInterval: options.reconnectInterval,
    maxReconnectAttempts: options.maxReconnectAttempts,
    transports: options.transports,
    cache,
    getToken: (reason: TokenReason) => (typeof token.current === 'function' ? token.current(reason) : token.current),
    onReset: (reset: ResetPayload) => onReset.forEach((f) => f(reset)),
  };
  const share = (options.shareAcrossTabs ?? true) && canShareAcrossTabs();
  const client: RealtimeClient = share ? new SharedBeaconClient({ ...common, shareKey: key }) : new BeaconClient(common);
  entry = { client, cache, refs: 1, release: undefined, token, onReset };
  registry.set(key, entry);
  return entry;
}

/**
 * Forgets every cached event: the caches of this page's connections (they stop writing to storage) and every user's
 * in `localStorage`. Call it on sign-out, so the next person at a shared machine cannot read the last user's events.
 */
export function forgetCachedEvents(storage: KeyedStorage | null = typeof localStorage !== 'undefined' ? localStorage : null): void {
  for (const entry of registry.values()) entry.cache?.forget();
  if (storage) EventCache.forgetAll(storage, CACHE_PREFIX);
}

function release(key: string, entry: Entry): void {
  entry.refs--;
  if (entry.refs > 0) return;
  // Not at once: React remounts effects in development, and a page change may re-acquire the same client.
  entry.release = setTimeout(() => {
    if (entry.refs > 0) return;
    registry.delete(key);
    entry.client.dispose();
    entry.cache?.flush();
  }, 1000);
}

/**
 * The seed's React hook over {@link BeaconClient}: connection state, the last event, and `addEventListener`
 * returning an unsubscribe. Components with the same options share one connection.
 */
export function useSSE(options: SSEHookOptions = {}): SSEHookResult {
  const key = keyOf(options);
  const [entry, setEntry] = useState(() => acquire(key, options));
  const [status, setStatus] = useState<ConnectionStatus>(entry.client.status);
  const [lastEvent, setLastEvent] = useState<BeaconEvent | null>(null);
  const onReset = useRef(options.onReset);
  onReset.current = options.onReset;
  entry.token.current = options.token;

  useEffect(() => {
    const current = entry.refs > 0 && registry.get(key) === entry ? entry : acquire(key, options);
    if (current !== entry) setEntry(current);
    else if (entry.refs === 0) entry.refs++;
    setStatus(current.client.status);
    const offStatus = current.client.onStatus(setStatus);
    const offEvents = current.client.on('*', (event) => {
      if (!CONTROL_EVENT_TYPES.has(event.type)) setLastEvent(event);
    });
    const resetHandler = (reset: ResetPayload) => onReset.current?.(reset);
    current.onReset.add(resetHandler);
    if (options.autoConnect ?? true) current.client.connect();
    return () => {
      offStatus();
      offEvents();
      current.onReset.delete(resetHandler);
      release(key, current);
    };
    // The key captures every option that changes the connection.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const client = entry.client;
  const connect = useCallback(() => client.connect(), [client]);
  const disconnect = useCallback(() => client.disconnect(), [client]);
  const addEventListener = useCallback(
    <K extends string>(eventType: K, handler: (event: BeaconEvent<PayloadOf<K>>) => void) => client.on(eventType, handler),
    [client],
  );

  return {
    isConnected: status.state === 'connected',
    isConnecting: status.state === 'connecting' || status.state === 'reconnecting',
    lastEvent,
    error: status.error,
    reconnectAttempts: status.attempts,
    connect,
    disconnect,
    addEventListener,
    status,
    client,
    cache: entry.cache,
  };
}

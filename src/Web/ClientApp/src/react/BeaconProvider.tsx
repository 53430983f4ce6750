import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { currentToken, guestId, useAuth } from '../auth';
import type { BeaconEvent, PayloadOf, ResetPayload, TransportKind } from '../realtime';
import { useSSE, type SSEHookResult } from './useSSE';

const BeaconContext = createContext<SSEHookResult | null>(null);
const resetListeners = new Set<(reset: ResetPayload) => void>();

/** Transports can be narrowed for testing with `?transports=ws,poll` (kept for the session). */
function transportsFromUrl(): TransportKind[] | undefined {
  const param = new URLSearchParams(window.location.search).get('transports');
  if (param) sessionStorage.setItem('beacon:transports', param);
  const value = param ?? sessionStorage.getItem('beacon:transports');
  const kinds = value?.split(',').filter((k): k is TransportKind => k === 'sse' || k === 'ws' || k === 'poll');
  return kinds && kinds.length > 0 ? kinds : undefined;
}

const APP_TOPICS = ['analytics'];

/**
 * The app's one realtime connection, for the signed-in user (or a guest id in anonymous demo mode), shared by
 * every component and, through the shared client, by every tab.
 */
export function BeaconProvider({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const transports = useMemo(transportsFromUrl, []);
  const sse = useSSE({
    userId: auth?.userId ?? guestId(),
    token: auth ? (reason) => currentToken(reason === 'expired') : null,
    transports,
    // Every page's connection carries the analytics topic: at most two small events a second, and one constant
    // subscription keeps the tabs sharing the leader's connection in agreement.
    topics: APP_TOPICS,
    onReset: (reset) => resetListeners.forEach((listener) => listener(reset)),
  });
  return <BeaconContext.Provider value={sse}>{children}</BeaconContext.Provider>;
}

/** The app's connection (inside {@link BeaconProvider}). */
export function useBeacon(): SSEHookResult {
  const value = useContext(BeaconContext);
  if (!value) throw new Error('useBeacon needs a <BeaconProvider>.');
  return value;
}

/** Calls `handler` for every event of `type` (latest handler, no resubscription on re-render). */
export function useEvent<K extends string>(type: K, handler: (event: BeaconEvent<PayloadOf<K>>) => void): void {
  const { client } = useBeacon();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => client.on(type, (event) => latest.current(event)), [client, type]);
}

/** Calls `refetch` after a `reset`: the server could not replay what this client missed. */
export function useResetRefetch(refetch: () => void): void {
  const latest = useRef(refetch);
  latest.current = refetch;
  useEffect(() => {
    const listener = () => latest.current();
    resetListeners.add(listener);
    return () => {
      resetListeners.delete(listener);
    };
  }, []);
}

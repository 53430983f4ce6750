import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { BeaconEvent, PayloadOf, ResetPayload } from '../realtime';
import { useSSE, type SSEHookOptions, type SSEHookResult } from './useSSE';

type ResetListener = (reset: ResetPayload) => void;

const BeaconContext = createContext<SSEHookResult | null>(null);
// Apart from the connection's context: the set never changes, so a component that only refetches on `reset`
// does not re-render with every status change.
const ResetContext = createContext<Set<ResetListener> | null>(null);

/** {@link useSSE}'s options, for the tree's one connection. */
export interface BeaconProviderProps extends SSEHookOptions {
  children?: ReactNode;
}

/**
 * One realtime connection for a component tree: components below read it with {@link useBeacon}, subscribe
 * with {@link useEvent} and refetch after a `reset` with {@link useResetRefetch}. Providers with the same
 * options share one client (and, across tabs, one connection), as {@link useSSE} does.
 */
export function BeaconProvider({ children, ...options }: BeaconProviderProps) {
  const [resetListeners] = useState(() => new Set<ResetListener>());
  const onReset = options.onReset;
  const sse = useSSE({
    ...options,
    onReset: (reset) => {
      onReset?.(reset);
      resetListeners.forEach((listener) => listener(reset));
    },
  });
  return (
    <ResetContext.Provider value={resetListeners}>
      <BeaconContext.Provider value={sse}>{children}</BeaconContext.Provider>
    </ResetContext.Provider>
  );
}

/** The tree's connection (inside {@link BeaconProvider}). */
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
  const listeners = useContext(ResetContext);
  if (!listeners) throw new Error('useResetRefetch needs a <BeaconProvider>.');
  const latest = useRef(refetch);
  latest.current = refetch;
  useEffect(() => {
    const listener = () => latest.current();
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listeners]);
}

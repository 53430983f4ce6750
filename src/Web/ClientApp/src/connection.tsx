import { useMemo, type ReactNode } from 'react';
import { currentToken, guestId, useAuth } from './auth';
import type { TransportKind } from './realtime';
import { BeaconProvider } from './react/BeaconProvider';

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
export function AppBeaconProvider({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const transports = useMemo(transportsFromUrl, []);
  return (
    <BeaconProvider
      userId={auth?.userId ?? guestId()}
      token={auth ? (reason) => currentToken(reason === 'expired', auth.userId) : null}
      transports={transports}
      // Every page's connection carries the analytics topic: at most two small events a second, and one constant
      // subscription keeps the tabs sharing the leader's connection in agreement.
      topics={APP_TOPICS}
    >
      {children}
    </BeaconProvider>
  );
}

// A React app's use of the package, type-checked against the packed .d.ts files by ../package.test.ts.
import { useEffect, useState } from 'react';
import type { BeaconEvent, JobProgressPayload } from '@beacon/client';
import {
  BeaconProvider, useBeacon, useCachedEvents, useEvent, useResetRefetch, useSSE, useTopicPresence, type SSEHookOptions,
} from '@beacon/client/react';

const options: SSEHookOptions = { url: 'https://beacon.example.com', topics: ['orders'], token: () => 'token' };

function ConnectionState() {
  const { isConnected, isConnecting, status, error, reconnectAttempts } = useBeacon();
  return <p>{isConnected ? `live over ${status.transport}` : isConnecting ? `retry ${reconnectAttempts}` : error}</p>;
}

function UnreadBadge() {
  const [count, setCount] = useState<number | null>(null);
  useEvent('unread_count', (e) => setCount(e.data.count));
  useResetRefetch(() => setCount(null));
  const recent: BeaconEvent[] = useCachedEvents(['new_notification'], 5);
  const { presence, error } = useTopicPresence('orders', { token: () => 'token', intervalMs: 10_000 });
  const watching: number | undefined = presence?.users;
  return <span title={`${recent.length} recent, ${watching ?? error?.message} watching`}>{count}</span>;
}

export function JobBar({ jobId }: { jobId: string }) {
  const { addEventListener, lastEvent } = useSSE({ ...options, autoConnect: true });
  const [percent, setPercent] = useState(0);
  useEffect(() => addEventListener('job_progress', (e: BeaconEvent<JobProgressPayload>) => {
    if (e.data.jobId === jobId) setPercent(e.data.percent);
  }), [addEventListener, jobId]);
  return <progress value={percent} max={100} title={lastEvent?.type} />;
}

export function App() {
  return (
    <BeaconProvider {...options} onReset={(reset) => console.log(reset)}>
      <ConnectionState />
      <UnreadBadge />
    </BeaconProvider>
  );
}

// @ts-expect-error a job's percent is a number
useEvent('job_progress', (e) => e.data.percent.toUpperCase());
// @ts-expect-error the provider takes the hook's options, not arbitrary props
export const wrong = <BeaconProvider autoConnect="yes" />;

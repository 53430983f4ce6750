import { useCallback, useEffect, useState } from 'react';
import type { BeaconEvent } from '../realtime';
import { useBeacon } from './BeaconProvider';

/** Events of some types from the cache (rendered at once after a reload) and live, newest last. */
export function useCachedEvents(types: string[], limit = 100): BeaconEvent[] {
  const { cache } = useBeacon();
  const key = types.join(',');
  const read = useCallback(() => cache?.query({ type: key.split(','), limit }) ?? [], [cache, key, limit]);
  const [events, setEvents] = useState(read);
  useEffect(() => {
    setEvents(read());
    return cache?.subscribe(() => setEvents(read()));
  }, [cache, read]);
  return events;
}

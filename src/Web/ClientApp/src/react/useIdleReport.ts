import { useEffect } from 'react';
import { api } from '../api';
import { createIdleTracker } from './idle';

const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'scroll', 'focus'] as const;

/**
 * Reports the signed-in user idle or back online (`PUT /api/presence/me`) as their activity changes, so contacts
 * see `idle` presence. Failures are ignored: presence is advisory, and the next change is reported anyway.
 */
export function useIdleReport(enabled: boolean, timeoutMs = 60_000): void {
  useEffect(() => {
    if (!enabled) return;
    const tracker = createIdleTracker({
      timeoutMs,
      onChange: (status) => void api('/api/presence/me', { method: 'PUT', body: { status } }).catch(() => undefined),
    });
    let last = 0;
    const onActivity = () => {
      // Pointer moves fire constantly; a second's resolution is plenty.
      const now = Date.now();
      if (now - last < 1000) return;
      last = now;
      tracker.activity();
    };
    const onVisibility = () => tracker.visibility(document.visibilityState === 'hidden');
    for (const type of ACTIVITY_EVENTS) window.addEventListener(type, onActivity, { passive: true });
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      for (const type of ACTIVITY_EVENTS) window.removeEventListener(type, onActivity);
      document.removeEventListener('visibilitychange', onVisibility);
      tracker.dispose();
    };
  }, [enabled, timeoutMs]);
}

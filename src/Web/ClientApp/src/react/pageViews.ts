import { useEffect } from 'react';
import { api } from '../api';
import { usePath } from '../router';

const VISITOR_KEY = 'beacon:visitor';
const VISITOR_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A stable, anonymous id for this browser (what `POST /api/analytics/pageview` counts as one visitor). */
export function visitorId(storage: Pick<Storage, 'getItem' | 'setItem'> = localStorage, random: () => string = randomId): string {
  const stored = storage.getItem(VISITOR_KEY);
  if (stored && VISITOR_ID.test(stored)) return stored;
  const id = random();
  storage.setItem(VISITOR_KEY, id);
  return id;
}

function randomId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `v-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Records a page view for every page the user navigates to (once per path change). Failures are ignored. */
export function usePageViews(): void {
  const path = usePath();
  useEffect(() => {
    const referrer = document.referrer && /^https?:/.test(document.referrer) ? document.referrer : null;
    api('/api/analytics/pageview', { body: { path, referrer, visitorId: visitorId() } }).catch(() => undefined);
  }, [path]);
}

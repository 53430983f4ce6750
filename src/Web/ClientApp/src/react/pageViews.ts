import { useEffect, useRef } from 'react';
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

/**
 * The referrer to report for a page view. The first view of a page load reports where the browser came from
 * (`document.referrer`, when it is an http(s) URL); a later view is an in-app navigation, so it reports the
 * previous in-app page, as a multi-page site would. Reporting `document.referrer` every time would credit every
 * page of a visit to the site the visit came from.
 */
export function pageViewReferrer(previousPage: string | null, documentReferrer: string): string | null {
  if (previousPage !== null) return previousPage;
  return documentReferrer && /^https?:/.test(documentReferrer) ? documentReferrer : null;
}

/** Records a page view for every page the user navigates to (once per path change). Failures are ignored. */
export function usePageViews(): void {
  const path = usePath();
  const previousPage = useRef<string | null>(null);
  useEffect(() => {
    const referrer = pageViewReferrer(previousPage.current, document.referrer);
    previousPage.current = window.location.origin + path;
    api('/api/analytics/pageview', { body: { path, referrer, visitorId: visitorId() } }).catch(() => undefined);
  }, [path]);
}

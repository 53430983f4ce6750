import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, describeError } from '../api';
import type {
  BeaconEvent, JobCompletedPayload, JobProgressPayload, MetricsUpdatePayload, NotificationDeletedPayload, NotificationItem,
  NotificationReadPayload, PresencePayload, UnreadCountPayload,
} from '../realtime';
import { useBeacon, useEvent, useResetRefetch } from './BeaconProvider';

/** Whether a module's routes exist: null while unknown, false after a 404. */
export type Availability = boolean | null;

function availabilityOf(error: unknown): Availability {
  return error instanceof ApiError && error.isMissing ? false : true;
}

// ---- notifications -----------------------------------------------------------------------------

interface NotificationPage {
  items: NotificationItem[];
  totalCount: number;
  unreadCount: number;
}

export interface NotificationsState {
  items: NotificationItem[];
  unreadCount: number | null;
  available: Availability;
  loading: boolean;
  error: string | null;
  refresh: () => void;
  markRead: (id: string) => Promise<void>;
  markAllRead: () => Promise<void>;
  remove: (id: string) => Promise<void>;
}

/** Folds a notification event into the list (each is idempotent, so one can be applied again). */
export function applyNotificationEvent(list: NotificationItem[], event: BeaconEvent): NotificationItem[] {
  switch (event.type) {
    case 'new_notification': {
      const item = event.data as NotificationItem;
      return list.some((n) => n.id === item.id) ? list : [item, ...list];
    }
    case 'notification_read': {
      const read = event.data as NotificationReadPayload;
      return list.map((n) => (n.id === read.id ? { ...n, readAt: read.readAt, isRead: true } : n));
    }
    case 'notification_deleted':
      return list.filter((n) => n.id !== (event.data as NotificationDeletedPayload).id);
    default:
      return list;
  }
}

/**
 * A fetched page with the events that arrived while it was on its way applied again on top: the answer may be older
 * than they are (a slow response, overtaken by the stream). Events come in order, so the last `unread_count` among
 * them is newer than the page's count.
 */
export function withEventsSince(page: { items: NotificationItem[]; unreadCount: number }, arrived: BeaconEvent[]): { items: NotificationItem[]; unreadCount: number } {
  const count = [...arrived].reverse().find((e) => e.type === 'unread_count');
  return {
    items: arrived.reduce(applyNotificationEvent, page.items),
    unreadCount: count ? (count.data as UnreadCountPayload).count : page.unreadCount,
  };
}

/**
 * The notification bell's state: the list from `GET /api/notifications`, kept current by `new_notification`,
 * `unread_count`, `notification_read` and `notification_deleted`. The unread count renders from the cache
 * before the list loads. Degrades to `available: false` when the module's routes 404.
 */
export function useNotifications(): NotificationsState {
  const { cache } = useBeacon();
  const [items, setItems] = useState<NotificationItem[]>([]);
  const [unreadCount, setUnreadCount] = useState<number | null>(() => cache?.latest('unread_count')?.data.count ?? null);
  const [available, setAvailable] = useState<Availability>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // The events that arrived since each fetch still on its way started.
  const fetching = useRef(new Set<BeaconEvent[]>());

  const refresh = useCallback(() => {
    setLoading(true);
    const arrived: BeaconEvent[] = [];
    fetching.current.add(arrived);
    api<NotificationPage>('/api/notifications?pageSize=20')
      .then((page) => {
        const current = withEventsSince(page, arrived);
        setItems(current.items);
        setUnreadCount(current.unreadCount);
        setAvailable(true);
        setError(null);
      })
      .catch((e) => {
        setAvailable(availabilityOf(e));
        if (!(e instanceof ApiError && e.isMissing)) setError(describeError(e));
      })
      .finally(() => {
        fetching.current.delete(arrived);
        setLoading(false);
      });
  }, []);

  useEffect(refresh, [refresh]);
  useResetRefetch(refresh);

  const arrive = (e: BeaconEvent) => {
    for (const arrived of fetching.current) arrived.push(e);
  };
  useEvent('new_notification', (e) => {
    arrive(e);
    setAvailable(true);
    setItems((list) => applyNotificationEvent(list, e));
  });
  useEvent('unread_count', (e) => {
    arrive(e);
    setUnreadCount(e.data.count);
  });
  useEvent('notification_read', (e) => {
    arrive(e);
    setItems((list) => applyNotificationEvent(list, e));
  });
  useEvent('notification_deleted', (e) => {
    arrive(e);
    setItems((list) => applyNotificationEvent(list, e));
  });

  const act = useCallback(async (call: () => Promise<unknown>, optimistic: () => void) => {
    optimistic();
    try {
      await call();
      setError(null);
    } catch (e) {
      setError(describeError(e));
      refresh();
    }
  }, [refresh]);

  return {
    items,
    unreadCount,
    available,
    loading,
    error,
    refresh,
    markRead: (id) => act(() => api(`/api/notifications/${id}/read`, { method: 'POST' }),
      () => setItems((list) => list.map((n) => (n.id === id ? { ...n, readAt: n.readAt ?? new Date().toISOString(), isRead: true } : n)))),
    markAllRead: () => act(() => api('/api/notifications/read-all', { method: 'POST' }),
      () => setItems((list) => list.map((n) => ({ ...n, readAt: n.readAt ?? new Date().toISOString(), isRead: true })))),
    remove: (id) => act(() => api(`/api/notifications/${id}`, { method: 'DELETE' }), () => setItems((list) => list.filter((n) => n.id !== id))),
  };
}

// ---- jobs --------------------------------------------------------------------------------------

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A job as `GET /api/jobs` returns it. */
export interface Job {
  id: string;
  type: 'import' | 'report';
  status: JobStatus;
  percent: number;
  message: string | null;
  result: unknown;
  error: string | null;
  items: number;
  delayMs: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

export interface JobProgressState {
  percent: number;
  message: string | null;
  status: JobStatus;
  result: unknown;
  error: string | null;
}

/** Whether a job status is final. */
export function isFinished(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/** Folds a `job_progress` into a job's state: never backwards, never after the end. */
export function applyProgress(state: JobProgressState, event: JobProgressPayload): JobProgressState {
  if (isFinished(state.status) || event.percent < state.percent) return state;
  return { ...state, percent: event.percent, message: event.message ?? state.message, status: 'running' };
}

/** Folds a `job_completed` into a job's state (module events carry `result`/`error`, the seed helper's `details`). */
export function applyCompletion(state: JobProgressState, event: JobCompletedPayload): JobProgressState {
  return {
    ...state,
    percent: event.status === 'succeeded' ? 100 : Math.max(state.percent, event.percent ?? 0),
    status: event.status,
    result: event.result ?? event.details ?? null,
    error: event.error ?? null,
  };
}

/**
 * A job's live state: starts from the record (`initial`) or the cached events (so a reload shows the bar where it
 * was), then follows `job_progress` and `job_completed` for that job.
 */
export function useJobProgress(jobId: string, initial: JobProgressState): JobProgressState {
  const { cache } = useBeacon();
  const fromCache = useCallback((): JobProgressState => {
    let state = initial;
    if (!cache) return state;
    const step = cache.latest('job_progress', (e) => e.data.jobId === jobId);
    if (step) state = applyProgress(state, step.data);
    const done = cache.latest('job_completed', (e) => e.data.jobId === jobId);
    return done ? applyCompletion(state, done.data) : state;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cache, jobId]);
  const [state, setState] = useState<JobProgressState>(fromCache);
  useEffect(() => setState(fromCache()), [fromCache]);

  useEvent('job_progress', (e) => {
    if (e.data.jobId === jobId) setState((s) => applyProgress(s, e.data));
  });
  useEvent('job_completed', (e) => {
    if (e.data.jobId === jobId) setState((s) => applyCompletion(s, e.data));
  });
  return state;
}

export interface StartJob {
  type: 'import' | 'report';
  items: number;
  delayMs: number;
  failAtItem?: number | null;
}

/** The caller's jobs (`GET /api/jobs`), starting one (`POST /api/jobs`) and cancelling one. */
export function useJobs() {
  const [jobs, setJobs] = useState<Job[]>([]);
  const [available, setAvailable] = useState<Availability>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => {
    api<{ items: Job[] }>('/api/jobs?pageSize=20')
      .then((body) => {
        setJobs(body.items);
        setAvailable(true);
      })
      .catch((e) => {
        setAvailable(availabilityOf(e));
        if (!(e instanceof ApiError && e.isMissing)) setError(describeError(e));
      });
  }, []);
  useEffect(refresh, [refresh]);
  useResetRefetch(refresh);

  const start = useCallback(async (body: StartJob) => {
    try {
      const job = await api<Job>('/api/jobs', { body });
      setJobs((list) => [job, ...list.filter((j) => j.id !== job.id)]);
      setError(null);
      return job.id;
    } catch (e) {
      if (e instanceof ApiError && e.isMissing) setAvailable(false);
      setError(describeError(e));
      return null;
    }
  }, []);

  const cancel = useCallback(async (id: string) => {
    try {
      await api<Job>(`/api/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
      setError(null);
    } catch (e) {
      // 409: it ended meanwhile; its job_completed says how.
      setError(e instanceof ApiError && e.status === 409 ? null : describeError(e));
    }
  }, []);

  return { jobs, available, error, refresh, start, cancel };
}

// ---- presence and typing ----------------------------------------------------------------------

export type Presence = PresencePayload['status'] | 'unknown';

export interface PresenceState {
  /** userId → status (`unknown` for users who share no conversation with you). */
  presence: Record<string, Presence>;
  /** Who is typing (userIds), per conversation id; entries fade after 5 s or when their message arrives. */
  typing: Record<string, string[]>;
  available: Availability;
}

/** How long a `typing` event shows: the server sends at most one per 2 s while someone keeps typing. */
export const TYPING_SHOWN_MS = 5000;

/** Presence from `GET /api/presence?users=` and `presence` events; typing from `typing` events. */
export function usePresence(userIds: string[] = []): PresenceState {
  const [presence, setPresence] = useState<Record<string, Presence>>({});
  const [typingAt, setTypingAt] = useState<Record<string, Record<string, number>>>({});
  const [available, setAvailable] = useState<Availability>(null);
  const [now, setNow] = useState(Date.now());
  const key = [...new Set(userIds)].sort().join(',');

  // The users whose `presence` event arrived since each read still on its way started: the answer is older for them.
  const fetching = useRef(new Set<Set<string>>());
  const refresh = useCallback(() => {
    if (!key) return;
    const changed = new Set<string>();
    fetching.current.add(changed);
    api<{ items: Array<{ userId: string; status: Presence }> }>(`/api/presence?users=${encodeURIComponent(key)}`)
      .then((body) => {
        setPresence((p) => ({ ...p, ...Object.fromEntries(body.items.filter((i) => !changed.has(i.userId)).map((i) => [i.userId, i.status])) }));
        setAvailable(true);
      })
      .catch((e) => setAvailable(availabilityOf(e)))
      .finally(() => fetching.current.delete(changed));
  }, [key]);
  useEffect(refresh, [refresh]);
  useResetRefetch(refresh);

  // Again once the stream is up: a contact who came online between the first read and the stream's start was
  // announced to nobody on this connection yet (a first connection starts from now, not from the read).
  const { isConnected } = useBeacon();
  useEffect(() => {
    if (isConnected) refresh();
  }, [isConnected, refresh]);

  useEvent('presence', (e) => {
    for (const changed of fetching.current) changed.add(e.data.userId);
    setPresence((p) => ({ ...p, [e.data.userId]: e.data.status }));
  });

  // A member's presence shows only to those they have written to (or whose conversation they started): their first
  // message to us makes us a contact, so read again what was `unknown`; later changes come as `presence` events.
  const unknownRef = useRef(new Set<string>());
  unknownRef.current = new Set(Object.entries(presence).filter(([, s]) => s === 'unknown').map(([u]) => u));
  useEvent('typing', (e) => {
    const conversation = e.data.conversationId ?? '';
    setTypingAt((t) => ({ ...t, [conversation]: { ...t[conversation], [e.data.userId]: Date.now() } }));
  });
  useEvent('message', (e) => {
    if (unknownRef.current.has(e.data.senderId)) refresh();
    // A message ends its sender's typing.
    setTypingAt((t) => {
      const conversation = t[e.data.conversationId];
      if (!conversation?.[e.data.senderId]) return t;
      const rest = { ...conversation };
      delete rest[e.data.senderId];
      return { ...t, [e.data.conversationId]: rest };
    });
  });

  const anyTyping = Object.values(typingAt).some((c) => Object.keys(c).length > 0);
  useEffect(() => {
    if (!anyTyping) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [anyTyping]);

  const typing = useMemo(() => {
    const result: Record<string, string[]> = {};
    for (const [conversation, users] of Object.entries(typingAt)) {
      const active = Object.entries(users).filter(([, at]) => now - at < TYPING_SHOWN_MS).map(([user]) => user);
      if (active.length > 0) result[conversation] = active;
    }
    return result;
  }, [typingAt, now]);

  return { presence, typing, available };
}

// ---- live analytics ----------------------------------------------------------------------------

export interface LiveSnapshot {
  visitors: number;
  windowSeconds: number;
  pageViews: { lastMinute: number; total: number };
  topPaths: Array<{ path: string; views: number }>;
}

export interface LiveVisitorsState {
  visitors: number | null;
  metrics: Record<string, { value: number | string; change: number | null; at: number }>;
  /** The admin snapshot (`GET /api/analytics/live`); null for non-admins. */
  snapshot: LiveSnapshot | null;
  available: Availability;
}

/**
 * Live visitor count (`visitors` events on the `analytics` topic) and metrics (`metrics_update`), starting from the
 * cache; admins also get the snapshot with page views and top paths, refreshed every 5 s.
 */
export function useLiveVisitors(isAdmin = false): LiveVisitorsState {
  const { cache } = useBeacon();
  const [visitors, setVisitors] = useState<number | null>(() => cache?.latest('visitors')?.data.count ?? null);
  const [metrics, setMetrics] = useState<LiveVisitorsState['metrics']>(() => {
    const initial: LiveVisitorsState['metrics'] = {};
    for (const e of cache?.query({ type: 'metrics_update' }) ?? []) {
      const m = e.data as MetricsUpdatePayload;
      initial[m.metric] = { value: m.value, change: m.change, at: e.receivedAt };
    }
    return initial;
  });
  const [snapshot, setSnapshot] = useState<LiveSnapshot | null>(null);
  const [available, setAvailable] = useState<Availability>(null);

  const refresh = useCallback(() => {
    if (!isAdmin) return;
    api<LiveSnapshot>('/api/analytics/live')
      .then((body) => {
        setSnapshot(body);
        setVisitors((v) => v ?? body.visitors);
        setAvailable(true);
      })
      .catch((e) => setAvailable(availabilityOf(e)));
  }, [isAdmin]);
  useEffect(() => {
    refresh();
    if (!isAdmin) return;
    const timer = setInterval(refresh, 5000);
    return () => clearInterval(timer);
  }, [refresh, isAdmin]);
  useResetRefetch(refresh);

  useEvent('visitors', (e) => {
    setVisitors(e.data.count);
    setAvailable(true);
  });
  useEvent('metrics_update', (e) => setMetrics((m) => ({ ...m, [e.data.metric]: { value: e.data.value, change: e.data.change, at: e.receivedAt } })));
  return { visitors, metrics, snapshot, available };
}

import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, describeError } from '../api';
import type {
  BeaconEvent, JobCompletedPayload, JobProgressPayload, MetricsUpdatePayload, NotificationItem, PresencePayload,
  ProgressPayload, TypingPayload,
} from '../realtime';
import { useBeacon, useEvent, useResetRefetch } from './BeaconProvider';

/** Whether a module's routes exist: null while unknown, false after a 404. */
export type Availability = boolean | null;

function availabilityOf(error: unknown): Availability {
  return error instanceof ApiError && error.isMissing ? false : true;
}

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

  const refresh = useCallback(() => {
    setLoading(true);
    api<NotificationPage>('/api/notifications?pageSize=20')
      .then((page) => {
        setItems(page.items);
        setUnreadCount(page.unreadCount);
        setAvailable(true);
        setError(null);
      })
      .catch((e) => {
        setAvailable(availabilityOf(e));
        if (!(e instanceof ApiError && e.isMissing)) setError(describeError(e));
      })
      .finally(() => setLoading(false));
  }, []);

  useEffect(refresh, [refresh]);
  useResetRefetch(refresh);

  useEvent('new_notification', (e) => {
    setAvailable(true);
    setItems((list) => (list.some((n) => n.id === e.data.id) ? list : [e.data, ...list]));
  });
  useEvent('unread_count', (e) => setUnreadCount(e.data.count));
  useEvent('notification_read', (e) => setItems((list) => list.map((n) => (n.id === e.data.id ? { ...n, readAt: e.data.readAt, isRead: true } : n))));
  useEvent('notification_deleted', (e) => setItems((list) => list.filter((n) => n.id !== e.data.id)));

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

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | (string & {});

export interface JobProgressState {
  progress: number | null;
  message: string | null;
  status: JobStatus;
  details: Record<string, unknown> | null;
}

/**
 * A job's live progress from `job_progress` (or the seed's `progress` with `operationId` = job id) and its
 * end from `job_completed`; starts from the cached events so a reload shows the bar where it was.
 */
export function useJobProgress(jobId: string | null | undefined, initial?: Partial<JobProgressState>): JobProgressState {
  const { cache } = useBeacon();
  const fromCache = useCallback((): JobProgressState => {
    const base: JobProgressState = { progress: initial?.progress ?? null, message: initial?.message ?? null, status: initial?.status ?? 'queued', details: initial?.details ?? null };
    if (!jobId || !cache) return base;
    const done = cache.latest('job_completed', (e) => e.data.jobId === jobId);
    if (done) return { progress: 100, message: null, status: done.data.status, details: done.data.details };
    const step = cache.latest('job_progress', (e) => e.data.jobId === jobId) ?? cache.latest('progress', (e) => e.data.operationId === jobId);
    if (!step) return base;
    const data = step.data as JobProgressPayload | ProgressPayload;
    return { ...base, progress: data.progress, message: data.message ?? null, status: 'running' };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cache, jobId]);
  const [state, setState] = useState<JobProgressState>(fromCache);
  useEffect(() => setState(fromCache()), [fromCache]);

  useEvent('job_progress', (e) => {
    if (e.data.jobId === jobId) setState((s) => (isFinal(s.status) ? s : { ...s, progress: e.data.progress, message: e.data.message ?? s.message, status: e.data.status ?? 'running' }));
  });
  useEvent('progress', (e) => {
    if (e.data.operationId === jobId) setState((s) => (isFinal(s.status) ? s : { ...s, progress: e.data.progress, message: e.data.message ?? s.message, status: 'running' }));
  });
  useEvent('job_completed', (e) => {
    const done = e.data as JobCompletedPayload;
    if (done.jobId === jobId) setState({ progress: done.status === 'succeeded' ? 100 : null, message: null, status: done.status, details: done.details });
  });
  return state;
}

function isFinal(status: JobStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

export interface JobSummary {
  id: string;
  type?: string;
  name?: string;
  status: JobStatus;
  progress?: number | null;
  message?: string | null;
  createdAt?: string;
  result?: unknown;
}

/** The caller's jobs (`GET /api/jobs`) and starting one (`POST /api/jobs`). */
export function useJobs() {
  const [jobs, setJobs] = useState<JobSummary[]>([]);
  const [available, setAvailable] = useState<Availability>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => {
    api<JobSummary[] | { items: JobSummary[] }>('/api/jobs')
      .then((body) => {
        setJobs(Array.isArray(body) ? body : body.items ?? []);
        setAvailable(true);
      })
      .catch((e) => {
        setAvailable(availabilityOf(e));
        if (!(e instanceof ApiError && e.isMissing)) setError(describeError(e));
      });
  }, []);
  useEffect(refresh, [refresh]);
  useResetRefetch(refresh);
  useEvent('job_completed', refresh);

  const start = useCallback(async (body: Record<string, unknown>) => {
    try {
      const job = await api<JobSummary & { jobId?: string }>('/api/jobs', { body });
      const id = job.id ?? job.jobId!;
      setJobs((list) => [{ ...job, id, status: job.status ?? 'queued' }, ...list.filter((j) => j.id !== id)]);
      setError(null);
      return id;
    } catch (e) {
      if (e instanceof ApiError && e.isMissing) setAvailable(false);
      setError(describeError(e));
      return null;
    }
  }, []);

  return { jobs, available, error, refresh, start };
}

// ---- presence and typing ----------------------------------------------------------------------

export interface PresenceState {
  /** userId → status. */
  presence: Record<string, PresencePayload['status']>;
  /** Who is typing (userIds), per conversation id ('' when the event names none); entries fade after 5 s. */
  typing: Record<string, string[]>;
  available: Availability;
}

/** Presence from `GET /api/presence` (when it exists) and `presence` events; typing from `typing` events. */
export function usePresence(userIds: string[] = []): PresenceState {
  const [presence, setPresence] = useState<Record<string, PresencePayload['status']>>({});
  const [typingAt, setTypingAt] = useState<Record<string, Record<string, number>>>({});
  const [available, setAvailable] = useState<Availability>(null);
  const [now, setNow] = useState(Date.now());
  const key = [...userIds].sort().join(',');

  const refresh = useCallback(() => {
    api<Record<string, boolean | string> | Array<{ userId: string; status?: string; online?: boolean }>>(`/api/presence${key ? `?userIds=${encodeURIComponent(key)}` : ''}`)
      .then((body) => {
        const next: Record<string, PresencePayload['status']> = {};
        if (Array.isArray(body)) for (const p of body) next[p.userId] = (p.status as PresencePayload['status']) ?? (p.online ? 'online' : 'offline');
        else for (const [user, value] of Object.entries(body)) next[user] = typeof value === 'string' ? (value as PresencePayload['status']) : value ? 'online' : 'offline';
        setPresence((p) => ({ ...p, ...next }));
        setAvailable(true);
      })
      .catch((e) => setAvailable(availabilityOf(e)));
  }, [key]);
  useEffect(refresh, [refresh]);
  useResetRefetch(refresh);

  useEvent('presence', (e) => setPresence((p) => ({ ...p, [e.data.userId]: e.data.status })));
  useEvent('typing', (e) => {
    const data = e.data as TypingPayload;
    const conversation = String((data.metadata as { conversationId?: string } | null)?.conversationId ?? '');
    setTypingAt((t) => ({ ...t, [conversation]: { ...t[conversation], [data.userId]: Date.now() } }));
  });
  useEvent('message', (e) => {
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
      const active = Object.entries(users).filter(([, at]) => now - at < 5000).map(([user]) => user);
      if (active.length > 0) result[conversation] = active;
    }
    return result;
  }, [typingAt, now]);

  return { presence, typing, available };
}

// ---- live analytics ----------------------------------------------------------------------------

export interface LiveVisitorsState {
  visitors: number | null;
  metrics: Record<string, { value: number | string; change: number | null; at: number }>;
  available: Availability;
}

/**
 * Live visitor count (`visitors` events, `GET /api/analytics/live`) and metrics (`metrics_update`). Records
 * this page view with `POST /api/analytics/pageview` (ignored where the module is absent).
 */
export function useLiveVisitors(path?: string): LiveVisitorsState {
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
  const [available, setAvailable] = useState<Availability>(null);

  const refresh = useCallback(() => {
    api<{ visitors?: number; count?: number; activeVisitors?: number }>('/api/analytics/live')
      .then((body) => {
        setVisitors(body.visitors ?? body.activeVisitors ?? body.count ?? null);
        setAvailable(true);
      })
      .catch((e) => setAvailable(availabilityOf(e)));
  }, []);
  useEffect(refresh, [refresh]);
  useResetRefetch(refresh);
  useEffect(() => {
    api('/api/analytics/pageview', { body: { path: path ?? window.location.pathname, referrer: document.referrer || null } }).catch(() => undefined);
  }, [path]);

  useEvent('visitors', (e) => {
    setVisitors(e.data.count);
    setAvailable(true);
  });
  useEvent('metrics_update', (e) => setMetrics((m) => ({ ...m, [e.data.metric]: { value: e.data.value, change: e.data.change, at: e.receivedAt } })));
  return { visitors, metrics, available };
}

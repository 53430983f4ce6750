/**
 * Event name → payload type, kept by hand in sync with docs/events.md (section "Event types").
 * When a type is added there, add it here; `tests/unit/events.test.ts` checks that every type named in
 * docs/events.md has an entry in {@link KNOWN_EVENT_TYPES}.
 */

export type Level = 'info' | 'warning' | 'error' | 'critical';

/** `connected`: the first event of every stream (no id). */
export interface ConnectedPayload {
  clientId: string;
  userId: string | null;
  nodeId: string;
  serverTime: string;
  heartbeatSeconds: number;
}

/** `ping`: heartbeat, every `heartbeatSeconds` (no id). */
export interface PingPayload {
  time: string;
}

/** `reset`: the resume point could not be honoured; refetch state. */
export interface ResetPayload {
  reason: 'malformed-id' | 'unknown-id' | 'expired' | (string & {});
  lastEventId: string | null;
  currentId: string | null;
}

/** `token_expired`: the stream's token expired; refresh it and resume (no id). */
export interface TokenExpiredPayload {
  expiredAt: string;
}

/**
 * `shutdown`: the node is shutting down and ends the connection after this event (no id). Reconnect, resuming from the
 * last id, after `retryMs`: a delay the node jitters per connection (0.5–5 s) so its clients do not all land on the
 * remaining nodes at one instant. `BeaconClient` does this itself.
 */
export interface ShutdownPayload {
  retryMs: number;
}

/**
 * `system` (SystemNotification / AnnounceSystemUpdate; the demo's has no timestamp). Beacon's own system
 * events add a `category`: `announcement` (POST /api/system/announcements) or `health` (a component's health
 * check changed state, with `component`, `status`, `previousStatus`).
 */
export interface SystemPayload {
  message: string;
  level: Level;
  title?: string;
  timestamp?: string;
  category?: 'announcement' | 'health' | (string & {});
  component?: string;
  status?: 'healthy' | 'degraded' | 'unhealthy';
  previousStatus?: 'healthy' | 'degraded' | 'unhealthy';
}

/** `notification`: free-form; the demo sends `{title, message}`. */
export interface NotificationPayload {
  title?: string;
  message?: string;
  [key: string]: unknown;
}

export interface UpdatePayload {
  type: string;
  data: unknown;
}

export interface ProgressPayload {
  operationId: string;
  progress: number;
  message: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface SuccessPayload {
  message: string;
  data?: unknown;
}

export interface ErrorPayload {
  error: string;
  context?: Record<string, unknown> | null;
}

/** `job_completed`: the jobs module sends `result`/`error`; the seed helper `NotifyJobCompletion` sends `details`. */
export interface JobCompletedPayload {
  jobId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  /** How far it got (jobs module). */
  percent?: number;
  result?: unknown;
  error?: string | null;
  details?: Record<string, unknown> | null;
}

export interface DataChangePayload {
  entityType: string;
  entityId: string;
  changeType: 'created' | 'updated' | 'deleted';
  data: unknown;
}

/** `message`: the messaging module sends the whole message; the seed helper `NotifyNewMessage` only `conversationId, senderId, preview, metadata`. */
export interface MessagePayload {
  id?: string;
  conversationId: string;
  senderId: string;
  text?: string;
  preview: string;
  sentAt?: string;
  metadata: Record<string, unknown> | null;
}

/** `typing`: `conversationId` from the messaging module; absent from the seed helper's. */
export interface TypingPayload {
  userId: string;
  conversationId?: string;
  metadata: Record<string, unknown> | null;
}

export interface PresencePayload {
  userId: string;
  status: 'online' | 'offline' | 'idle';
  metadata: Record<string, unknown> | null;
}

export interface MetricsUpdatePayload {
  metric: string;
  value: number | string;
  change: number | null;
}

/** A notification as `GET /api/notifications` and `new_notification` carry it. */
export interface NotificationItem {
  id: string;
  title: string;
  message: string;
  kind: 'info' | 'success' | 'warning' | 'error' | 'message' | 'system' | (string & {});
  link: string | null;
  createdAt: string;
  readAt: string | null;
  isRead?: boolean;
}

export interface UnreadCountPayload {
  count: number;
}

export interface NotificationReadPayload {
  id: string;
  readAt: string;
}

export interface NotificationDeletedPayload {
  id: string;
}

export interface HeartbeatPayload {
  timestamp: string;
}

/** `job_progress` (jobs module): at most one per job every 250 ms; `percent` never decreases. */
export interface JobProgressPayload {
  jobId: string;
  percent: number;
  message: string | null;
}

/** `visitors` (analytics module, topic `analytics`): distinct visitors over the last 5 minutes. */
export interface VisitorsPayload {
  count: number;
}

/** Every event type Beacon documents, with its payload. */
export interface BeaconEventMap {
  connected: ConnectedPayload;
  ping: PingPayload;
  reset: ResetPayload;
  token_expired: TokenExpiredPayload;
  shutdown: ShutdownPayload;
  system: SystemPayload;
  notification: NotificationPayload;
  update: UpdatePayload;
  progress: ProgressPayload;
  success: SuccessPayload;
  error: ErrorPayload;
  job_completed: JobCompletedPayload;
  data_change: DataChangePayload;
  message: MessagePayload;
  typing: TypingPayload;
  presence: PresencePayload;
  metrics_update: MetricsUpdatePayload;
  unread_count: UnreadCountPayload;
  new_notification: NotificationItem;
  notification_read: NotificationReadPayload;
  notification_deleted: NotificationDeletedPayload;
  heartbeat: HeartbeatPayload;
  job_progress: JobProgressPayload;
  visitors: VisitorsPayload;
}

export type BeaconEventType = keyof BeaconEventMap;

/** The names of {@link BeaconEventMap}, at run time. */
export const KNOWN_EVENT_TYPES: readonly BeaconEventType[] = [
  'connected', 'ping', 'reset', 'token_expired', 'shutdown', 'system', 'notification', 'update', 'progress', 'success', 'error',
  'job_completed', 'data_change', 'message', 'typing', 'presence', 'metrics_update', 'unread_count', 'new_notification',
  'notification_read', 'notification_deleted', 'heartbeat', 'job_progress', 'visitors',
];

/** Events that are about the connection itself, not application data: not cached, not counted as "events". */
export const CONTROL_EVENT_TYPES: ReadonlySet<string> = new Set(['connected', 'ping', 'heartbeat', 'token_expired', 'shutdown']);

/** The transports a client can use, in the default order of preference. */
export type TransportKind = 'sse' | 'ws' | 'poll';

/** One event as the application sees it, whatever transport brought it. */
export interface BeaconEvent<T = unknown> {
  /** The event type (`event:` line). */
  type: string;
  /** The parsed JSON payload. */
  data: T;
  /** The event id; absent on `connected`, `ping`, `token_expired`, `shutdown`. */
  id?: string;
  /** Date.now() when this tab received it. */
  receivedAt: number;
  /** How it arrived. */
  transport?: TransportKind;
}

/** Payload type of a known event type, `unknown` for others. */
export type PayloadOf<K extends string> = K extends BeaconEventType ? BeaconEventMap[K] : unknown;

/**
 * The `@beacon/client` package's framework-free entry point. Exported by name, not `export *`: what is listed here
 * is the package's public API, and the building blocks behind it (backoff, heartbeat monitor, transport policy,
 * transports, leader election) stay free to change. The app imports `src/realtime` directly and sees all of it.
 */
export { BeaconClient, browserEnvironment } from '../realtime/client';
export type {
  BeaconClientOptions, BeaconEnvironment, ConnectionState, ConnectionStatus, Handler, RealtimeClient, StatusListener, TokenReason,
} from '../realtime/client';
export { SharedBeaconClient, canShareAcrossTabs } from '../realtime/shared';
export type { SharedClientOptions } from '../realtime/shared';
export { EventCache } from '../realtime/cache';
export type { CacheQuery, EventCacheOptions, KeyedStorage, StorageLike } from '../realtime/cache';
export type { FallbackOptions } from '../realtime/fallback';
export type { TransportEnvironment } from '../realtime/transports';
export { CONTROL_EVENT_TYPES, KNOWN_EVENT_TYPES } from '../realtime/events';
export type {
  BeaconEvent, BeaconEventMap, BeaconEventType, ConnectedPayload, DataChangePayload, ErrorPayload, HeartbeatPayload,
  JobCompletedPayload, JobProgressPayload, Level, MessagePayload, MetricsUpdatePayload, NotificationDeletedPayload,
  NotificationItem, NotificationPayload, NotificationReadPayload, PayloadOf, PingPayload, PresencePayload, ProgressPayload,
  ResetPayload, SuccessPayload, SystemPayload, TokenExpiredPayload, TransportKind, TypingPayload, UnreadCountPayload,
  UpdatePayload, VisitorsPayload,
} from '../realtime/events';

/**
 * The `@beacon/client` package's framework-free entry point. The client's modules are exported by name, not
 * `export *`: what is listed here is the package's public API, and the building blocks behind it (backoff, heartbeat
 * monitor, transport policy, transports, leader election) stay free to change. The app imports `src/realtime`
 * directly and sees all of it.
 */
export { BeaconClient, browserEnvironment } from '../realtime/client';
export type {
  BeaconClientOptions, BeaconEnvironment, ConnectionState, ConnectionStatus, Handler, RealtimeClient, StatusListener, TokenReason,
} from '../realtime/client';
export { SharedBeaconClient, canShareAcrossTabs } from '../realtime/shared';
export type { SharedClientOptions } from '../realtime/shared';
export { EventCache } from '../realtime/cache';
export { watchTopicPresence } from '../realtime/topicPresence';
export type { TopicPresence, TopicPresenceError, TopicPresenceOptions } from '../realtime/topicPresence';
export type { CacheQuery, EventCacheOptions, KeyedStorage, StorageLike } from '../realtime/cache';
export type { FallbackOptions } from '../realtime/fallback';
export type { TransportEnvironment } from '../realtime/transports';
// The wire contract, whole: every documented event type with its payload, so a type added there is exported here.
export * from '../realtime/events';

/**
 * Beacon's framework-free browser client. Plain JavaScript usage:
 *
 * ```js
 * import { BeaconClient } from './realtime';
 * const client = new BeaconClient({ getToken: () => myToken, topics: ['news'], onReset: refetchEverything });
 * const off = client.on('notification', (e) => console.log(e.data.title));
 * client.onStatus((s) => console.log(s.state, s.transport));
 * client.connect();
 * ```
 */
export * from './events';
export * from './backoff';
export * from './heartbeat';
export * from './fallback';
export * from './transports';
export * from './client';
export * from './cache';
export * from './leader';
export * from './shared';
export * from './topicPresence';

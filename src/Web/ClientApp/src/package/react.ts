/**
 * The `@beacon/client/react` entry point: the hooks and the provider over the client. The app's module hooks
 * (notifications, jobs, presence, analytics, page views) are not here: they call Beacon's REST routes through
 * the app's own sign-in and fetch helpers. The event and status types come from `@beacon/client`.
 */
export { BeaconProvider, useBeacon, useEvent, useResetRefetch } from '../react/BeaconProvider';
export type { BeaconProviderProps } from '../react/BeaconProvider';
export { useSSE, forgetCachedEvents } from '../react/useSSE';
export type { SSEHookOptions, SSEHookResult } from '../react/useSSE';
export { useCachedEvents } from '../react/useCachedEvents';
export { useTopicPresence } from '../react/useTopicPresence';
export type { TopicPresenceState } from '../react/useTopicPresence';

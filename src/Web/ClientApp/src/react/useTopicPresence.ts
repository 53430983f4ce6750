import { useEffect, useRef, useState } from 'react';
import { watchTopicPresence, type TopicPresence, type TopicPresenceError, type TopicPresenceOptions } from '../realtime/topicPresence';

/** What {@link useTopicPresence} knows: the latest figures (null before the first answer) and the last error. */
export interface TopicPresenceState {
  presence: TopicPresence | null;
  error: TopicPresenceError | null;
}

/**
 * A topic's subscribers across the cluster, polled (`GET /api/sse/topics/presence`): for a "12 watching" badge. The
 * token function is read at each poll, so a refreshed token is used without restarting.
 */
export function useTopicPresence(topic: string | null | undefined, options: Omit<TopicPresenceOptions, 'fetch' | 'timers'> = {}): TopicPresenceState {
  const [state, setState] = useState<TopicPresenceState>({ presence: null, error: null });
  const token = useRef(options.token);
  token.current = options.token;
  const { url, intervalMs } = options;

  useEffect(() => {
    setState({ presence: null, error: null });
    if (!topic) return undefined;
    return watchTopicPresence(
      topic,
      (presence) => setState({ presence, error: null }),
      (error) => setState((s) => ({ presence: s.presence, error })),
      { url, intervalMs, token: () => (typeof token.current === 'function' ? token.current() : token.current) },
    );
  }, [topic, url, intervalMs]);

  return state;
}

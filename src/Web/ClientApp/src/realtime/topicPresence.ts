import { readProblem } from './transports';

/** A topic's subscribers across the cluster, as `GET /api/sse/topics/presence` answers. */
export interface TopicPresence {
  topic: string;
  /** Open connections subscribed to the topic on every live node. */
  connections: number;
  /** Distinct signed-in users among them over the whole cluster (a user on two nodes counts once). */
  users: number;
}

export interface TopicPresenceOptions {
  /** Base URL of the Beacon server; default: this page's origin. */
  url?: string;
  /** A bearer token, or a function returning the current one (asked before every poll). */
  token?: string | null | (() => string | null | undefined | Promise<string | null | undefined>);
  /** How often to ask, in ms (at least 1000; default 5000). */
  intervalMs?: number;
  /** For tests and other runtimes. */
  fetch?: typeof fetch;
  /** For tests: the timer functions. */
  timers?: { setTimeout: (fn: () => void, ms: number) => unknown; clearTimeout: (handle: unknown) => void };
}

/** A failed poll: the HTTP status (0 when the server could not be reached) and what the server said. */
export interface TopicPresenceError {
  status: number;
  message: string;
  /** Whether polling stopped: a 400 or 403 will not change by asking again. */
  final: boolean;
}

/**
 * Polls a topic's presence and reports each answer that differs from the last. The next poll is scheduled when one
 * ends, so a slow server never has two in flight. Returns a function that stops polling.
 */
export function watchTopicPresence(
  topic: string,
  onChange: (presence: TopicPresence) => void,
  onError: (error: TopicPresenceError) => void,
  options: TopicPresenceOptions = {},
): () => void {
  const doFetch = options.fetch ?? fetch.bind(globalThis);
  const timers = options.timers ?? { setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  const interval = Math.max(1000, options.intervalMs ?? 5000);
  const controller = new AbortController();
  let stopped = false;
  let timer: unknown;
  let last = '';

  const poll = async () => {
    let final = false;
    try {
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      const headers: Record<string, string> = { Accept: 'application/json' };
      if (token) headers.Authorization = `Bearer ${token}`;
      const response = await doFetch(`${options.url ?? ''}/api/sse/topics/presence?topic=${encodeURIComponent(topic)}`, { headers, signal: controller.signal });
      if (response.ok) {
        const presence = (await response.json()) as TopicPresence;
        const key = `${presence.connections}/${presence.users}`;
        if (key !== last) {
          last = key;
          onChange(presence);
        }
      } else {
        final = response.status === 400 || response.status === 403;
        const problem = await readProblem(response);
        onError({ status: response.status, message: problem.detail ?? problem.title ?? `HTTP ${response.status}`, final });
      }
    } catch (error) {
      if (stopped) return;
      onError({ status: 0, message: (error as Error).message, final: false });
    }
    if (!stopped && !final) timer = timers.setTimeout(() => void poll(), interval);
  };

  void poll();
  return () => {
    stopped = true;
    controller.abort();
    if (timer !== undefined) timers.clearTimeout(timer);
  };
}

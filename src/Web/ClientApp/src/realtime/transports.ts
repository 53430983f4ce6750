import { parseRetryAfter } from './backoff';
import type { ConnectedPayload, TransportKind } from './events';

/** What a transport needs to open a connection. */
export interface TransportRequest {
  /** Origin + path prefix, e.g. '' (same origin) or 'http://127.0.0.1:5000'. */
  baseUrl: string;
  token?: string | null;
  /** Anonymous mode only (development/demo); ignored by the server when a token is present. */
  userId?: string;
  sessionId?: string;
  topics?: string[];
  metadata?: Record<string, string>;
  /** Resume point: the last event id this client processed. */
  lastEventId?: string;
  /**
   * How SSE and WebSocket, which cannot send an `Authorization` header from a browser, carry the token: `ticket`
   * (default) trades it first for a one-time ticket (`POST /api/sse/ticket`, with the header) and puts only that in
   * the URL; `token` puts the token itself in the URL as `access_token`. Long-polling always sends the header.
   */
  urlCredentials?: 'ticket' | 'token';
}

/** Why a transport ended. */
export interface TransportFailure {
  message: string;
  /** HTTP status, when the server answered with one. */
  status?: number;
  /** From `Retry-After` (429/503), in ms. */
  retryAfterMs?: number;
  /** The attempt failed before reaching the transport (no token, or no answer at all to the ticket request), so it is not held against the transport. */
  neutral?: boolean;
}

/** How a transport reports to the client. Every call is ignored once the transport is closed. */
export interface TransportSink {
  /** A frame: `connected`, `ping`, data events, `reset`, `token_expired`, … */
  event(type: string, data: unknown, id: string | undefined): void;
  /** The connection is alive even though no frame came (a long-poll round trip that returned nothing). */
  alive(): void;
  /** The position to resume from if the connection ends now (long-poll cursor), when the server says. */
  cursor(id: string): void;
  /** The transport ended (before or after `connected`). Called at most once. */
  failed(failure: TransportFailure): void;
}

export interface Transport {
  readonly kind: TransportKind;
  /** Makes sure events of `type` are delivered (EventSource only dispatches named events it listens for). */
  listen(type: string): void;
  /** Whether the underlying connection still looks open. */
  isOpen(): boolean;
  close(): void;
}

/** The browser APIs the transports use; injectable for tests. */
export interface TransportEnvironment {
  EventSource?: typeof EventSource;
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
  /** Used to turn a relative base URL into ws(s)://. */
  location?: { protocol: string; host: string };
}

export type TransportFactory = (request: TransportRequest, sink: TransportSink, env: TransportEnvironment, options: { pollWaitSeconds: number }) => Transport;

/** The query string every transport sends: identity, subscriptions, metadata, resume point. */
export function buildQuery(request: TransportRequest, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  if (request.topics && request.topics.length > 0) params.set('topics', request.topics.join(','));
  if (request.sessionId) params.set('sessionId', request.sessionId);
  if (!request.token && request.userId) params.set('userId', request.userId);
  for (const [key, value] of Object.entries(request.metadata ?? {})) params.set(key, value);
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) params.set(key, value);
  const query = params.toString();
  return query.length > 0 ? `?${query}` : '';
}

function parse(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

/**
 * SSE over the browser's EventSource. The client manages reconnection itself (so it can refresh the token,
 * choose the transport and apply its backoff), so an error closes the EventSource instead of letting the
 * browser retry with the same URL; the resume point then goes in `lastEventId`.
 */
export const sseTransport: TransportFactory = (request, sink, env) => {
  const Impl = env.EventSource;
  if (!Impl) throw new Error('EventSource is not available.');
  return withUrlCredential('sse', request, sink, env, (credential) => openEventSource(Impl, request, credential, sink, env));
};

/** How long {@link serverUnreachable} waits for an answer: a server that cannot answer this quickly is not serving. */
const REACHABILITY_TIMEOUT_MS = 3000;

/**
 * Whether the server is down rather than the transport blocked, asked after a stream failed before its first frame.
 * EventSource and WebSocket report neither the status nor the cause of a failed connect, so a restart (connection
 * refused, a proxy's 502/503/504) looked exactly like a proxy that blocks SSE, and walked the client off SSE after
 * two refused attempts. A cheap `GET /health/live` tells them apart: no answer, or a gateway's 5xx, means the server
 * is down (its `Retry-After`, if any, comes along); any other answer means it serves HTTP, so the transport is what
 * fails. Undefined when the server answers, or when there is no fetch to ask with.
 */
export async function serverUnreachable(baseUrl: string, env: TransportEnvironment): Promise<{ retryAfterMs?: number } | undefined> {
  const fetchImpl = env.fetch;
  if (!fetchImpl) return undefined;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REACHABILITY_TIMEOUT_MS);
  try {
    const response = await fetchImpl(`${baseUrl.replace(/^ws/, 'http')}/health/live`, { cache: 'no-store', signal: abort.signal });
    if (response.status === 502 || response.status === 503 || response.status === 504) {
      return { retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')) };
    }
    return undefined;
  } catch {
    return {};
  } finally {
    clearTimeout(timer);
  }
}

/** Reports a connect that failed before any frame: not held against the transport when the server is simply down. */
function failedToConnect(baseUrl: string, env: TransportEnvironment, sink: TransportSink, failure: TransportFailure): void {
  void serverUnreachable(baseUrl, env).then((down) => {
    sink.failed(down
      ? { ...failure, message: `${failure.message} The server cannot be reached.`, neutral: true, retryAfterMs: down.retryAfterMs ?? failure.retryAfterMs }
      : failure);
  });
}

function openEventSource(Impl: typeof EventSource, request: TransportRequest, credential: UrlCredential, sink: TransportSink, env: TransportEnvironment): Transport {
  const url = `${request.baseUrl}/api/sse${buildQuery(request, { lastEventId: request.lastEventId, ...credential })}`;
  const source = new Impl(url);
  const listening = new Set<string>();
  let closed = false;
  let previousId = '';
  let framed = false;

  const onFrame = (type: string) => (e: Event) => {
    if (closed) return;
    framed = true;
    const message = e as MessageEvent<string>;
    // `lastEventId` is the stream's last id, which the browser repeats on frames that have no `id:` line (ping,
    // token_expired): such a frame has no id of its own. Beacon never sends one id twice on a stream.
    const id = message.lastEventId;
    const own = id && id !== previousId ? id : undefined;
    previousId = id;
    sink.event(type, parse(message.data), own);
  };

  const transport: Transport = {
    kind: 'sse',
    listen(type) {
      if (listening.has(type)) return;
      listening.add(type);
      source.addEventListener(type, onFrame(type));
    },
    isOpen: () => !closed && source.readyState === 1,
    close() {
      closed = true;
      source.close();
    },
  };
  source.onerror = (e: Event) => {
    // A server-sent `event: error` frame is dispatched as a MessageEvent named "error" too: it is data, not a failure.
    if (closed || typeof (e as MessageEvent).data === 'string') return;
    // Read before close(), which makes every EventSource CLOSED: CONNECTING means the browser would have retried.
    const failure = { message: source.readyState === 2 ? 'The stream was refused or closed.' : 'The stream dropped.' };
    transport.close();
    if (framed) sink.failed(failure);
    else failedToConnect(request.baseUrl, env, sink, failure);
  };
  return transport;
}

/** The WebSocket fallback: `/api/ws` sends one JSON text frame `{id?, type, data}` per event. */
export const wsTransport: TransportFactory = (request, sink, env) => {
  const Impl = env.WebSocket;
  if (!Impl) throw new Error('WebSocket is not available.');
  let base = request.baseUrl;
  if (!/^wss?:|^https?:/.test(base)) {
    const loc = env.location ?? { protocol: 'http:', host: 'localhost' };
    base = `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}${base}`;
  }
  base = base.replace(/^http/, 'ws');
  return withUrlCredential('ws', request, sink, env, (credential) => openWebSocket(Impl, base, request, credential, sink, env));
};

function openWebSocket(Impl: typeof WebSocket, base: string, request: TransportRequest, credential: UrlCredential, sink: TransportSink, env: TransportEnvironment): Transport {
  const socket = new Impl(`${base}/api/ws${buildQuery(request, { lastEventId: request.lastEventId, ...credential })}`);
  let closed = false;
  let framed = false;
  const end = (failure: TransportFailure) => {
    if (closed) return;
    closed = true;
    try {
      socket.close();
    } catch {
      // already closing
    }
    if (framed || failure.status !== undefined) sink.failed(failure);
    else failedToConnect(request.baseUrl, env, sink, failure);
  };
  socket.onmessage = (e: MessageEvent) => {
    if (closed || typeof e.data !== 'string') return;
    framed = true;
    const frame = parse(e.data) as { id?: string | null; type?: string; data?: unknown };
    if (frame && typeof frame.type === 'string') sink.event(frame.type, frame.data, frame.id ?? undefined);
  };
  socket.onerror = () => end({ message: 'The WebSocket failed.' });
  socket.onclose = (e: CloseEvent) => end({ message: `The WebSocket closed (${e.code}${e.reason ? `: ${e.reason}` : ''}).`, status: e.code === 4401 ? 401 : undefined });
  return {
    kind: 'ws',
    listen: () => undefined,
    isOpen: () => !closed && socket.readyState === 1,
    close() {
      closed = true;
      socket.close(1000);
    },
  };
}

/** The title and detail of a problem+json answer; empty when the body is not one. */
export async function readProblem(response: Response): Promise<{ title?: string; detail?: string }> {
  try {
    const problem = (await response.json()) as { title?: unknown; detail?: unknown };
    return {
      title: typeof problem.title === 'string' ? problem.title : undefined,
      detail: typeof problem.detail === 'string' ? problem.detail : undefined,
    };
  } catch {
    return {};
  }
}

/** `: <title>` of a problem+json answer, so a failure says why ("Not allowed on these topics."); empty otherwise. */
async function problemTitle(response: Response): Promise<string> {
  const { title } = await readProblem(response);
  return title !== undefined ? `: ${title.replace(/\.$/, '')}` : '';
}

/** An HTTP refusal as a transport failure: its status, and when to retry if the server said (`Retry-After`). */
function refusal(response: Response, message: string): TransportFailure {
  return { message, status: response.status, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')) };
}

/**
 * How long the ticket request may take, answer and body. After a half-open drop the browser's pool holds dead
 * keep-alive sockets; a request sent on one gets no answer until TCP gives up (Chromium took 16–84 s to recover), while
 * aborting it closes that socket and lets the next attempt open a fresh connection. A live Beacon answers in
 * milliseconds.
 */
export const TICKET_TIMEOUT_MS = 5000;

/** How a URL carries the caller's identity: a one-time ticket, the token itself, or nothing (anonymous). */
type UrlCredential = { ticket: string } | { access_token?: string };

/**
 * Opens a transport whose URL must carry the token (SSE, WebSocket). With `urlCredentials: 'ticket'` (the default)
 * and `fetch` available, the token is first traded for a one-time ticket over `POST /api/sse/ticket`, with the token
 * in the `Authorization` header: a token in a URL can end up in proxy logs, and the server cannot release the
 * copy its HTTP/1.1 connection keeps of the request line. The returned transport stands in until the real one is open;
 * a refused ticket (`401`, `429`, `503`) fails the attempt with that status, so the client refreshes the token or
 * backs off as for the stream itself.
 */
function withUrlCredential(
  kind: TransportKind,
  request: TransportRequest,
  sink: TransportSink,
  env: TransportEnvironment,
  open: (credential: UrlCredential) => Transport,
): Transport {
  const fetchImpl = env.fetch;
  if (!request.token || request.urlCredentials === 'token' || !fetchImpl) return open({ access_token: request.token ?? undefined });

  const abort = new AbortController();
  const listened = new Set<string>();
  let inner: Transport | undefined;
  let closed = false;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, TICKET_TIMEOUT_MS);
  const noAnswer = `No answer to the stream ticket request within ${TICKET_TIMEOUT_MS / 1000} s.`;
  const fail = (failure: TransportFailure) => {
    clearTimeout(timer);
    if (closed) return;
    closed = true;
    sink.failed(failure);
  };

  void (async () => {
    let ticket: unknown;
    let response: Response;
    try {
      response = await fetchImpl(`${request.baseUrl}/api/sse/ticket`, {
        method: 'POST',
        headers: { Accept: 'application/json', Authorization: `Bearer ${request.token}` },
        cache: 'no-store',
        signal: abort.signal,
      });
    } catch (error) {
      // The server could not be reached at all (restarting, no network, a dead pooled socket): that says nothing about
      // this transport.
      fail({ message: timedOut ? noAnswer : `Could not get a stream ticket: ${(error as Error).message}`, neutral: true });
      return;
    }
    try {
      if (!response.ok) {
        fail(refusal(response, `The stream ticket was refused (${response.status}).`));
        return;
      }
      ticket = ((await response.json()) as { ticket?: unknown }).ticket;
    } catch (error) {
      fail(timedOut ? { message: noAnswer, neutral: true } : { message: `Could not get a stream ticket: ${(error as Error).message}` });
      return;
    }
    clearTimeout(timer);
    if (closed) return;
    if (typeof ticket !== 'string' || ticket.length === 0) {
      fail({ message: 'The stream ticket response had no ticket.' });
      return;
    }
    try {
      inner = open({ ticket });
    } catch (error) {
      fail({ message: (error as Error).message });
      return;
    }
    for (const type of listened) inner.listen(type);
  })();

  return {
    kind,
    listen(type) {
      listened.add(type);
      inner?.listen(type);
    },
    isOpen: () => !closed && (inner?.isOpen() ?? false),
    close() {
      closed = true;
      clearTimeout(timer);
      abort.abort();
      inner?.close();
    },
  };
}

/**
 * Long-polling: `GET /api/events?after=<id>&wait=<s>` returns `[{id, type, data}]` (possibly empty after
 * `wait` seconds) and an `X-Beacon-Cursor` header naming the position to poll from next. The token goes in
 * the Authorization header. The first successful round trip counts as `connected`.
 */
export const pollTransport: TransportFactory = (request, sink, env, options) => {
  const fetchImpl = env.fetch;
  if (!fetchImpl) throw new Error('fetch is not available.');
  const abort = new AbortController();
  let closed = false;
  let after = request.lastEventId;

  const loop = async () => {
    let first = true;
    while (!closed) {
      let response: Response;
      try {
        // The first poll answers at once (it establishes the connection and the cursor); later ones wait.
        const url = `${request.baseUrl}/api/events${buildQuery(request, { after, wait: first ? '0' : String(options.pollWaitSeconds) })}`;
        response = await fetchImpl(url, {
          headers: { Accept: 'application/json', ...(request.token ? { Authorization: `Bearer ${request.token}` } : {}) },
          cache: 'no-store',
          signal: abort.signal,
        });
      } catch (error) {
        if (!closed) fail({ message: `Polling failed: ${(error as Error).message}` });
        return;
      }
      if (closed) return;
      if (!response.ok) {
        fail(refusal(response, `Polling answered ${response.status}${await problemTitle(response)}.`));
        return;
      }
      let events: Array<{ id?: string | null; type: string; data: unknown }>;
      try {
        events = await response.json();
      } catch (error) {
        if (!closed) fail({ message: `Polling returned a bad body: ${(error as Error).message}` });
        return;
      }
      if (closed) return;
      if (first) {
        first = false;
        const connected: ConnectedPayload = {
          clientId: response.headers.get('X-Beacon-Client') ?? '',
          userId: null,
          nodeId: response.headers.get('X-Beacon-Node') ?? '',
          serverTime: new Date().toISOString(),
          heartbeatSeconds: options.pollWaitSeconds + 5,
        };
        sink.event('connected', connected, undefined);
      }
      sink.alive();
      for (const e of events) {
        if (closed) return;
        sink.event(e.type, e.data, e.id ?? undefined);
        if (e.id) after = e.id;
      }
      const cursor = response.headers.get('X-Beacon-Cursor');
      if (cursor && !closed) {
        after = cursor;
        sink.cursor(cursor);
      }
    }
  };

  const fail = (failure: TransportFailure) => {
    if (closed) return;
    closed = true;
    abort.abort();
    sink.failed(failure);
  };

  void loop();
  return {
    kind: 'poll',
    listen: () => undefined,
    isOpen: () => !closed,
    close() {
      closed = true;
      abort.abort();
    },
  };
};

export const DEFAULT_TRANSPORTS: Record<TransportKind, TransportFactory> = {
  sse: sseTransport,
  ws: wsTransport,
  poll: pollTransport,
};

import { backoffDelay, type BackoffOptions } from './backoff';
import type { EventCache } from './cache';
import {
  CONTROL_EVENT_TYPES, KNOWN_EVENT_TYPES,
  type BeaconEvent, type ConnectedPayload, type PayloadOf, type ResetPayload, type ShutdownPayload, type TransportKind,
} from './events';
import { type FallbackDecision, type FallbackOptions, TransportPolicy } from './fallback';
import { HeartbeatMonitor } from './heartbeat';
import {
  DEFAULT_TRANSPORTS, type Transport, type TransportEnvironment, type TransportFactory, type TransportFailure,
  type TransportRequest, type TransportSink,
} from './transports';

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** Everything a UI needs to show the connection. */
export interface ConnectionStatus {
  state: ConnectionState;
  transport?: TransportKind;
  /** Consecutive failed attempts since the last successful connect. */
  attempts: number;
  error: string | null;
  lastEventId?: string;
  clientId?: string;
  nodeId?: string;
  userId?: string | null;
  connectedAt?: number;
  /** When the next attempt is due (Date.now() ms), while waiting. */
  nextRetryAt?: number;
  /** Cross-tab sharing: whether this tab holds the connection. Undefined when not shared. */
  isLeader?: boolean;
}

/** Why a token is asked for: first connect, a reconnect, or because the server said it expired. */
export type TokenReason = 'connect' | 'reconnect' | 'expired';

export interface BeaconClientOptions {
  /** Server origin (and path prefix); '' means the page's own origin. */
  url?: string;
  /** Anonymous (development/demo) mode only: the user to connect as. With a token, the token's `sub` wins. */
  userId?: string;
  sessionId?: string;
  /** Connection metadata (query parameters), e.g. `{ page: 'dashboard' }`. */
  metadata?: Record<string, string>;
  topics?: string[];
  /** A fixed bearer token. */
  token?: string | null;
  /**
   * Called before every connect and reconnect (token refresh before any reconnect), and when the server ends
   * the stream with `token_expired`. Return the current token, refreshing it when needed.
   */
  getToken?: (reason: TokenReason) => string | null | undefined | Promise<string | null | undefined>;
  /**
   * How SSE and WebSocket carry the token, since a browser cannot send them an `Authorization` header: `ticket`
   * (default) trades it for a one-time ticket (`POST /api/sse/ticket`) before each connect and puts only the ticket
   * in the URL; `token` puts the token itself in the URL (`access_token`), one request fewer per connect.
   */
  urlCredentials?: 'ticket' | 'token';
  /** Reconnect after errors (default true). */
  autoReconnect?: boolean;
  /** First reconnect delay in ms (default 1000); doubles per attempt up to {@link maxReconnectInterval}. */
  reconnectInterval?: number;
  /** The longest wait between two attempts while within {@link maxReconnectAttempts} (ms; default 30000). */
  maxReconnectInterval?: number;
  /** Share of each delay that is random (default 0.5), so clients dropped together do not come back together. */
  jitter?: number;
  /**
   * Attempts before the client reports `failed` (default 5, as in the seed). It keeps trying after that, on the same
   * growing, jittered schedule, up to {@link slowRetryInterval} between attempts.
   */
  maxReconnectAttempts?: number;
  /**
   * After {@link maxReconnectAttempts}, the longest wait between attempts (ms; default 30000; 0 stops for good). The
   * delay keeps growing towards it from where the fast attempts left off rather than jumping to it, so a short outage
   * is not stretched out to a whole interval.
   */
  slowRetryInterval?: number;
  /** An attempt that has not delivered `connected` by then counts as failed (ms; default 10000). */
  connectTimeout?: number;
  /** No frame for this many heartbeat intervals means the stream is dead (default 2). */
  heartbeatFactor?: number;
  /** Transports, in order of preference (default sse, ws, poll). */
  transports?: TransportKind[];
  fallback?: Partial<Omit<FallbackOptions, 'order'>>;
  /** How long the server may hold a long-poll (seconds, default 25). */
  pollWaitSeconds?: number;
  /** Resume from here on the first connect (e.g. kept across a reload). */
  lastEventId?: string;
  /** Called on `reset`: the server could not replay what was missed; refetch application state. */
  onReset?: (reset: ResetPayload) => void | Promise<void>;
  /** Recent events are added here (see EventCache). */
  cache?: EventCache;
  /** Browser APIs; defaults to the globals. */
  env?: BeaconEnvironment;
  /** Transport implementations (tests replace them). */
  transportFactories?: Partial<Record<TransportKind, TransportFactory>>;
  /** Ids remembered to drop duplicates (default 2000). */
  dedupeWindow?: number;
}

/** The browser around the client. Everything is optional so the client also runs in Node and tests. */
export interface BeaconEnvironment extends TransportEnvironment {
  random?: () => number;
  /** Receives 'online', 'offline', 'freeze', 'resume' and 'pageshow' (usually window). */
  windowTarget?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  /** Receives 'visibilitychange', 'freeze', 'resume' (usually document). */
  documentTarget?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> & { visibilityState?: string };
  /** Whether the browser believes it is online (`navigator.onLine`); failures while offline are not held against a transport. */
  isOnline?: () => boolean;
}

export type Handler<T = unknown> = (event: BeaconEvent<T>) => void;
export type StatusListener = (status: ConnectionStatus) => void;

/** What both the single-tab and the shared client offer. */
export interface RealtimeClient {
  readonly status: ConnectionStatus;
  readonly lastEventId: string | undefined;
  connect(): void;
  disconnect(): void;
  on<K extends string>(type: K, handler: Handler<PayloadOf<K>>): () => void;
  onStatus(listener: StatusListener): () => void;
  /** Check the connection now and resume at once if it is dead (what wake-up events do). */
  check(reason?: string): void;
  dispose(): void;
}

export function browserEnvironment(): BeaconEnvironment {
  const g = globalThis as typeof globalThis & { window?: Window; document?: Document };
  return {
    EventSource: g.EventSource,
    WebSocket: g.WebSocket,
    fetch: typeof g.fetch === 'function' ? g.fetch.bind(g) : undefined,
    location: g.location ? { protocol: g.location.protocol, host: g.location.host } : undefined,
    random: Math.random,
    windowTarget: g.window,
    documentTarget: g.document,
    isOnline: () => g.navigator?.onLine !== false,
  };
}

/** How often the client looks at the wall clock, and the jump beyond that which means the machine slept. */
const WAKE_TICK_MS = 5_000;
const WAKE_JUMP_MS = 10_000;

/** The options that were actually given: `{ autoReconnect: undefined }` must not override a default. */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function supported(kind: TransportKind, env: BeaconEnvironment): boolean {
  return kind === 'sse' ? !!env.EventSource : kind === 'ws' ? !!env.WebSocket : !!env.fetch;
}

/**
 * The framework-free client: one logical connection to Beacon over SSE, falling back to WebSocket and
 * long-polling; reconnects with exponential backoff and jitter, resumes from the last event id, detects
 * silent streams from missing heartbeats, wakes up with the page, refreshes tokens, and calls the app's
 * refetch on `reset`.
 */
export class BeaconClient implements RealtimeClient {
  private readonly options: Required<Pick<BeaconClientOptions,
    'autoReconnect' | 'maxReconnectAttempts' | 'slowRetryInterval' | 'connectTimeout' | 'pollWaitSeconds' | 'dedupeWindow'>> & BeaconClientOptions;
  private readonly env: BeaconEnvironment;
  private readonly backoff: BackoffOptions;
  private readonly policy: TransportPolicy;
  private readonly heartbeat: HeartbeatMonitor;
  private readonly factories: Record<TransportKind, TransportFactory>;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly statusListeners = new Set<StatusListener>();
  private readonly listenedTypes = new Set<string>(KNOWN_EVENT_TYPES);
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];

  private transport: Transport | undefined;
  private generation = 0;
  private started = false;
  private established = false;
  private authRetried = false;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private upgradeTimer: ReturnType<typeof setTimeout> | undefined;
  /** While on a fallback: the preferred transport being tried beside it, until it delivers `connected` or fails. */
  private probe: { transport: Transport | undefined; timer: ReturnType<typeof setTimeout> } | undefined;
  private detachEnvironment: (() => void) | undefined;
  private current: ConnectionStatus = { state: 'idle', attempts: 0, error: null };
  private last: string | undefined;
  /** Date.now() before which the server asked not to be retried (`Retry-After` of the last refusal). */
  private retryNotBefore = 0;

  constructor(options: BeaconClientOptions = {}) {
    this.options = {
      autoReconnect: true,
      maxReconnectAttempts: 5,
      slowRetryInterval: 30_000,
      connectTimeout: 10_000,
      pollWaitSeconds: 25,
      dedupeWindow: 2000,
      ...definedOnly(options),
    };
    this.env = options.env ?? browserEnvironment();
    this.backoff = {
      initialMs: options.reconnectInterval ?? 1000,
      maxMs: options.maxReconnectInterval ?? 30_000,
      multiplier: 2,
      jitter: options.jitter ?? 0.5,
    };
    this.factories = { ...DEFAULT_TRANSPORTS, ...options.transportFactories };
    const order = (options.transports ?? ['sse', 'ws', 'poll']).filter((k) => supported(k, this.env) || options.transportFactories?.[k]);
    this.policy = new TransportPolicy({ ...options.fallback, order: order.length > 0 ? order : ['poll'] });
    this.heartbeat = new HeartbeatMonitor(() => this.dropped('No heartbeat: the stream went silent.'), options.heartbeatFactor ?? 2);
    this.last = options.lastEventId;
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  get lastEventId(): string | undefined {
    return this.last;
  }

  /** The transport policy (for diagnostics). */
  get transportPolicy(): TransportPolicy {
    return this.policy;
  }

  connect(): void {
    if (this.started) return;
    this.started = true;
    this.current = { ...this.current, attempts: 0, error: null };
    this.attachEnvironment();
    void this.open('connect');
  }

  disconnect(): void {
    this.started = false;
    this.generation++;
    this.closeTransport();
    this.clearTimers();
    this.heartbeat.stop();
    this.detachEnvironment?.();
    this.detachEnvironment = undefined;
    this.setStatus({ state: 'closed', attempts: 0, error: null, transport: undefined, nextRetryAt: undefined, clientId: undefined });
  }

  dispose(): void {
    this.disconnect();
    this.handlers.clear();
    this.statusListeners.clear();
  }

  on<K extends string>(type: K, handler: Handler<PayloadOf<K>>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler as Handler);
    if (type !== '*' && !this.listenedTypes.has(type)) {
      this.listenedTypes.add(type);
      this.transport?.listen(type);
    }
    return () => {
      set.delete(handler as Handler);
    };
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  /**
   * Checks the stream and resumes at once if it is gone or has been silent for longer than a heartbeat:
   * a frozen tab or a sleeping laptop loses its stream without any error event. While waiting to retry,
   * retries immediately instead of sleeping out the backoff.
   */
  check(reason = 'check'): void {
    if (!this.started) return;
    if (this.current.state === 'connected') {
      if (!this.transport?.isOpen() || this.heartbeat.isStale()) this.restart(`${reason}: stream stale`, 'reconnect');
      return;
    }
    if (this.current.state === 'reconnecting' || this.current.state === 'failed') {
      // The server said when to come back (429/503 with Retry-After): a wake-up is no reason to come earlier.
      if (Date.now() < this.retryNotBefore) return;
      if (reason === 'online') {
        // Back online: what failed while offline says nothing about the transports, so start again from the preferred one.
        this.policy.reset();
        this.setStatus({ attempts: 0, transport: this.policy.current });
      }
      this.clearTimers();
      void this.open('reconnect');
    }
  }

  // ---- connection lifecycle ----------------------------------------------------------------------

  private async open(reason: 'connect' | 'reconnect' | 'expired'): Promise<void> {
    const generation = ++this.generation;
    this.clearTimers();
    this.closeTransport();
    const kind = this.policy.current;
    this.setStatus({
      state: this.current.attempts > 0 || reason !== 'connect' ? 'reconnecting' : 'connecting',
      transport: kind,
      nextRetryAt: undefined,
    });

    // The timeout covers the whole attempt, the token step included: a token refresh that stalls (a request that
    // never answers on a bad network) must not leave the client waiting for it for good.
    this.connectTimer = setTimeout(() => {
      if (generation !== this.generation) return;
      const opened = this.transport !== undefined;
      this.closeTransport();
      this.failed(generation, opened
        ? { message: `No 'connected' within ${this.options.connectTimeout} ms over ${kind}.` }
        : { message: `No token within ${this.options.connectTimeout} ms.`, neutral: true });
    }, this.options.connectTimeout);

    let token = this.options.token;
    if (this.options.getToken) {
      try {
        token = await this.options.getToken(reason);
      } catch (error) {
        if (generation === this.generation) this.failed(generation, { message: `Could not get a token: ${(error as Error).message}`, neutral: true });
        return;
      }
    }
    if (generation !== this.generation || !this.started) return;

    const request = this.transportRequest(token);
    const sink = this.sinkFor(kind, () => generation);
    try {
      this.transport = this.factories[kind](request, sink, this.env, { pollWaitSeconds: this.options.pollWaitSeconds });
    } catch (error) {
      this.failed(generation, { message: (error as Error).message });
      return;
    }
    for (const type of this.listenedTypes) this.transport.listen(type);
  }

  /** What a transport opens with: the connection's options, the token and the resume point as they are now. */
  private transportRequest(token: TransportRequest['token']): TransportRequest {
    return {
      baseUrl: this.options.url ?? '',
      token,
      userId: this.options.userId,
      sessionId: this.options.sessionId,
      topics: this.options.topics,
      metadata: this.options.metadata,
      lastEventId: this.last,
      urlCredentials: this.options.urlCredentials,
    };
  }

  /** What a transport of the attempt `generation()` reports to: ignored once another attempt has started. */
  private sinkFor(kind: TransportKind, generation: () => number): TransportSink {
    return {
      event: (type, data, id) => {
        if (generation() === this.generation) this.frame(kind, type, data, id);
      },
      alive: () => {
        if (generation() === this.generation) this.heartbeat.beat();
      },
      cursor: (id) => {
        if (generation() === this.generation) this.setLast(id);
      },
      failed: (failure) => {
        if (generation() === this.generation) this.failed(generation(), failure);
      },
    };
  }

  private frame(kind: TransportKind, type: string, data: unknown, id: string | undefined): void {
    this.heartbeat.beat();
    if (type === 'connected') {
      this.onConnected(kind, data as ConnectedPayload);
    } else if (type === 'token_expired') {
      this.dispatch({ type, data, id, receivedAt: Date.now(), transport: kind });
      this.restart('The token expired.', 'expired');
      return;
    } else if (type === 'shutdown') {
      this.dispatch({ type, data, id, receivedAt: Date.now(), transport: kind });
      this.serverEnded(data as ShutdownPayload);
      return;
    }

    if (id !== undefined) {
      if (this.seen.has(id)) return; // delivered already (overlapping replay after a switch)
      this.remember(id);
      this.setLast(id);
    }

    if (type === 'reset') {
      const reset = data as ResetPayload;
      if (reset.currentId) this.setLast(reset.currentId);
      if (this.options.onReset) {
        Promise.resolve()
          .then(() => this.options.onReset?.(reset))
          .catch((error) => console.error('Beacon: onReset failed', error));
      }
    }

    const event: BeaconEvent = { type, data, id, receivedAt: Date.now(), transport: kind };
    if (!CONTROL_EVENT_TYPES.has(type)) this.options.cache?.add(event);
    this.dispatch(event);
  }

  private onConnected(kind: TransportKind, connected: ConnectedPayload): void {
    clearTimeout(this.connectTimer);
    this.established = true;
    this.authRetried = false;
    this.policy.connected();
    this.heartbeat.start(connected.heartbeatSeconds || 30);
    this.setStatus({
      state: 'connected',
      transport: kind,
      attempts: 0,
      error: null,
      clientId: connected.clientId || undefined,
      nodeId: connected.nodeId || undefined,
      userId: connected.userId,
      connectedAt: Date.now(),
      nextRetryAt: undefined,
    });
    this.scheduleUpgrade();
  }

  /** An established stream went quiet or stale: treat it like a drop. */
  private dropped(message: string): void {
    if (!this.started) return;
    this.closeTransport();
    this.failed(this.generation, { message });
  }

  /**
   * The node is shutting down and ends the connection: come back after the delay it chose for this connection. The
   * node jitters it per connection, so its clients spread their reconnects over the other nodes (or over its own
   * restart) instead of all landing within the first second, as the first backoff step would have them. Not a
   * failure: nothing is held against the transport and the attempt count stays.
   */
  private serverEnded(shutdown: ShutdownPayload): void {
    this.generation++; // the stream's own end (an error, a close) is expected now, not a failure
    clearTimeout(this.connectTimer);
    clearTimeout(this.upgradeTimer);
    this.closeTransport();
    this.heartbeat.stop();
    this.established = false;
    if (!this.started) return;
    const asked = Number(shutdown?.retryMs);
    const delay = Number.isFinite(asked) && asked >= 0
      ? Math.min(asked, this.backoff.maxMs)
      : backoffDelay(1, this.backoff, this.env.random ?? Math.random);
    // A wake-up (tab shown, back online) is no reason to come back before the others either.
    this.retryNotBefore = Date.now() + delay;
    this.setStatus({ state: 'reconnecting', error: 'The server is shutting down.', clientId: undefined, nextRetryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => void this.open('reconnect'), delay);
  }

  /** Ends the current attempt and opens a new one at once, without counting a failure (token expiry, wake-up). */
  private restart(message: string, reason: 'reconnect' | 'expired'): void {
    this.closeTransport();
    this.heartbeat.stop();
    this.established = false;
    this.setStatus({ state: 'reconnecting', error: message });
    void this.open(reason);
  }

  private failed(generation: number, failure: TransportFailure): void {
    if (generation !== this.generation) return;
    this.generation++; // late callbacks of this attempt are ignored from now on
    clearTimeout(this.connectTimer);
    clearTimeout(this.upgradeTimer);
    this.closeTransport();
    this.heartbeat.stop();
    const wasConnected = this.established;
    this.established = false;
    if (!this.started) return;

    // An expired or rejected token: get a fresh one and try once more before counting it as a failure.
    if (failure.status === 401 && this.options.getToken && !this.authRetried) {
      this.authRetried = true;
      this.setStatus({ state: 'reconnecting', error: failure.message });
      void this.open('expired');
      return;
    }

    // A refusal retrying cannot change: parameters the server rejects (400), or topics the token does not grant (403).
    // Retrying would only repeat it, on every transport; a new token or other options need a new connect().
    if (failure.status === 400 || failure.status === 403) {
      this.setStatus({ state: 'failed', error: failure.message, transport: undefined, clientId: undefined, nextRetryAt: undefined });
      return;
    }

    // A failure before any transport was tried (no token), one that never reached the server, a refused token (401,
    // after the fresh one above), or any failure while the browser is offline, says nothing about the transport:
    // retry the same one.
    const neutral = failure.neutral || failure.status === 401 || this.env.isOnline?.() === false;
    const decision: FallbackDecision = neutral ? { action: 'retry', transport: this.policy.current } : this.policy.failed(wasConnected);
    if (!this.options.autoReconnect) {
      this.setStatus({ state: 'failed', error: failure.message, transport: undefined, clientId: undefined });
      return;
    }
    if (decision.action === 'revert') {
      this.setStatus({ state: 'reconnecting', error: failure.message, transport: decision.transport });
      void this.open('reconnect');
      return;
    }

    const attempts = this.current.attempts + 1;
    let state: ConnectionState = 'reconnecting';
    let schedule = this.backoff;
    if (attempts > this.options.maxReconnectAttempts) {
      state = 'failed';
      if (this.options.slowRetryInterval <= 0) {
        this.setStatus({ state, attempts, error: failure.message, transport: undefined, clientId: undefined, nextRetryAt: undefined });
        return;
      }
      // The same growing, jittered schedule, capped at the slow interval: a fixed 30 s after the fifth attempt turned a
      // 15 s restart into 45 s offline, and had every client that failed together retry together ever after.
      schedule = { ...this.backoff, maxMs: this.options.slowRetryInterval };
    }
    // Moving to another transport: try it soon rather than after the grown delay of the old one.
    let delay = backoffDelay(decision.action === 'fallback' ? 1 : attempts, schedule, this.env.random ?? Math.random);
    if (failure.retryAfterMs !== undefined) delay = Math.max(delay, failure.retryAfterMs);
    this.retryNotBefore = failure.retryAfterMs !== undefined ? Date.now() + failure.retryAfterMs : 0;
    this.setStatus({ state, attempts, error: failure.message, transport: decision.transport, clientId: undefined, nextRetryAt: Date.now() + delay });
    this.retryTimer = setTimeout(() => void this.open('reconnect'), delay);
  }

  /** While on a fallback, periodically try the preferred transport again (resuming from the last id). */
  private scheduleUpgrade(): void {
    clearTimeout(this.upgradeTimer);
    const interval = this.policy.options.upgradeIntervalMs;
    if (!this.policy.isFallback || interval <= 0) return;
    this.upgradeTimer = setTimeout(() => {
      if (this.current.state !== 'connected') return;
      if (!this.policy.shouldUpgrade()) {
        this.scheduleUpgrade();
        return;
      }
      void this.openProbe();
    }, interval);
  }

  /**
   * Make before break: opens the preferred transport beside the working fallback, resuming from the last id, and
   * switches only once it has delivered `connected`. Until then the fallback keeps delivering; if the probe fails or
   * times out (the proxy that blocked SSE still does), it is dropped and the fallback carries on untouched. Closing
   * the fallback first, as before, cut the page off for a whole connect timeout every minute where SSE never works.
   * Nothing is lost or repeated across the switch: the probe replays everything after the id it was opened with,
   * which covers what the fallback delivered meanwhile, and those ids are dropped as already seen.
   */
  private async openProbe(): Promise<void> {
    const generation = this.generation;
    const kind = this.policy.preferred;
    let token = this.options.token;
    let noToken = false;
    if (this.options.getToken) {
      try {
        token = await this.options.getToken('reconnect');
      } catch {
        noToken = true;
      }
    }
    if (generation !== this.generation || !this.started || this.probe) return;
    if (noToken) {
      this.probeFailed();
      return;
    }

    const request = this.transportRequest(token);
    const probe: NonNullable<BeaconClient['probe']> = {
      transport: undefined,
      timer: setTimeout(() => {
        if (this.probe === probe) this.probeFailed();
      }, this.options.connectTimeout),
    };
    this.probe = probe;
    // Before the switch the probe's frames belong to no attempt (its generation is never current); on `connected` it
    // becomes the attempt, and from then on reports exactly as a transport opened by open() does.
    let probeGeneration = -1;
    const attempt = this.sinkFor(kind, () => probeGeneration);
    const sink: TransportSink = {
      ...attempt,
      event: (type, data, id) => {
        if (this.probe === probe && type === 'connected') {
          probeGeneration = this.promoteProbe(probe);
        }
        attempt.event(type, data, id);
      },
      failed: (failure) => {
        if (this.probe === probe) this.probeFailed();
        else attempt.failed(failure);
      },
    };
    try {
      probe.transport = this.factories[kind](request, sink, this.env, { pollWaitSeconds: this.options.pollWaitSeconds });
    } catch {
      if (this.probe === probe) this.probeFailed();
      return;
    }
    for (const type of this.listenedTypes) probe.transport.listen(type);
  }

  /** The probe delivered `connected`: it becomes the connection and the fallback is closed. Returns its attempt's generation. */
  private promoteProbe(probe: NonNullable<BeaconClient['probe']>): number {
    clearTimeout(probe.timer);
    this.probe = undefined;
    const generation = ++this.generation; // the fallback's late callbacks are ignored from now on
    const fallback = this.transport;
    this.transport = probe.transport;
    fallback?.close();
    this.heartbeat.stop();
    this.established = false;
    this.policy.upgraded();
    return generation;
  }

  /** The probe failed or timed out: drop it, stay on the fallback, and try again after another interval. */
  private probeFailed(): void {
    const probe = this.probe;
    this.probe = undefined;
    if (probe) {
      clearTimeout(probe.timer);
      probe.transport?.close();
    }
    this.policy.probeFailed();
    if (this.current.state === 'connected') this.scheduleUpgrade();
  }

  // ---- environment -------------------------------------------------------------------------------

  private attachEnvironment(): void {
    const win = this.env.windowTarget;
    const doc = this.env.documentTarget;
    const onOnline = () => this.check('online');
    const onResume = () => this.check('resume');
    const onPageShow = () => this.check('pageshow');
    const onVisible = () => {
      if (!doc?.visibilityState || doc.visibilityState === 'visible') this.check('visibilitychange');
    };
    win?.addEventListener('online', onOnline);
    win?.addEventListener('pageshow', onPageShow);
    doc?.addEventListener('visibilitychange', onVisible);
    doc?.addEventListener('resume', onResume);
    // A sleeping laptop freezes timers and no page event may say it woke: the wall clock jumping between two ticks
    // does. Without this, a stream that died in the sleep looked connected until the heartbeat timer ran out.
    let lastTick = Date.now();
    const wakeWatch = setInterval(() => {
      const now = Date.now();
      if (now - lastTick > WAKE_TICK_MS + WAKE_JUMP_MS) this.check('wake');
      lastTick = now;
    }, WAKE_TICK_MS);
    this.detachEnvironment = () => {
      clearInterval(wakeWatch);
      win?.removeEventListener('online', onOnline);
      win?.removeEventListener('pageshow', onPageShow);
      doc?.removeEventListener('visibilitychange', onVisible);
      doc?.removeEventListener('resume', onResume);
    };
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private dispatch(event: BeaconEvent): void {
    for (const key of [event.type, '*']) {
      const set = this.handlers.get(key);
      if (!set) continue;
      for (const handler of [...set]) {
        try {
          handler(event);
        } catch (error) {
          console.error(`Beacon: a '${event.type}' handler threw`, error);
        }
      }
    }
  }

  private setLast(id: string): void {
    this.last = id;
    if (this.current.lastEventId !== id) this.setStatus({ lastEventId: id }, false);
  }

  private remember(id: string): void {
    this.seen.add(id);
    this.seenOrder.push(id);
    if (this.seenOrder.length > this.options.dedupeWindow) this.seen.delete(this.seenOrder.shift()!);
  }

  private setStatus(change: Partial<ConnectionStatus>, notify = true): void {
    this.current = { ...this.current, ...change };
    if (!notify) return;
    for (const listener of [...this.statusListeners]) {
      try {
        listener(this.current);
      } catch (error) {
        console.error('Beacon: a status listener threw', error);
      }
    }
  }

  private closeTransport(): void {
    const transport = this.transport;
    this.transport = undefined;
    transport?.close();
    const probe = this.probe;
    this.probe = undefined;
    if (probe) {
      clearTimeout(probe.timer);
      probe.transport?.close();
    }
  }

  private clearTimers(): void {
    clearTimeout(this.connectTimer);
    clearTimeout(this.retryTimer);
    clearTimeout(this.upgradeTimer);
  }
}

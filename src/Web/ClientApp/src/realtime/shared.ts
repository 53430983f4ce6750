import type { EventCache } from './cache';
import {
  BeaconClient, browserEnvironment,
  type BeaconClientOptions, type ConnectionStatus, type Handler, type RealtimeClient, type StatusListener,
} from './client';
import { CONTROL_EVENT_TYPES, KNOWN_EVENT_TYPES, type BeaconEvent, type PayloadOf, type ResetPayload } from './events';
import { BroadcastElector, LockElector, type ChannelLike, type LeaderElector, type LockManagerLike } from './leader';

export interface SharedClientOptions extends BeaconClientOptions {
  /** Tabs with the same key share one connection (use the user and the subscriptions). */
  shareKey: string;
  /** Creates the BroadcastChannel (tests pass an in-memory one). */
  channelFactory?: (name: string) => ChannelLike;
  /** Creates the elector; defaults to Web Locks when available, else BroadcastChannel heartbeats. */
  electorFactory?: (channel: ChannelLike, name: string) => LeaderElector;
  /** Creates the client the leader runs (tests pass a fake). */
  clientFactory?: (options: BeaconClientOptions) => RealtimeClient;
}

type RelayMessage =
  | { kind: 'relay:event'; event: BeaconEvent }
  | { kind: 'relay:status'; status: ConnectionStatus }
  | { kind: 'relay:hello'; types: string[] }
  | { kind: 'relay:listen'; types: string[] }
  | { kind: 'relay:check'; reason: string };

/** Whether this browser can share a connection between tabs. */
export function canShareAcrossTabs(): boolean {
  return typeof (globalThis as { BroadcastChannel?: unknown }).BroadcastChannel === 'function';
}

function defaultElector(channel: ChannelLike, name: string): LeaderElector {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return locks ? new LockElector(locks, name) : new BroadcastElector(channel);
}

/**
 * One connection for all tabs of a user. Every tab runs one of these; the elected leader runs a
 * {@link BeaconClient} and relays every event and status change over a BroadcastChannel, and the others
 * dispatch what is relayed. When the leader tab closes, the next tab is elected and connects with the last
 * id it saw relayed, so the server replays what fell between the two and nothing is lost; ids already seen
 * are dropped, so nothing is shown twice. Browsers allow about six HTTP/1.1 connections per origin: without
 * sharing, the seventh tab would hang.
 */
export class SharedBeaconClient implements RealtimeClient {
  private readonly channel: ChannelLike;
  private readonly elector: LeaderElector;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly statusListeners = new Set<StatusListener>();
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private readonly extraTypes = new Set<string>();
  private readonly cache: EventCache | undefined;
  private inner: RealtimeClient | undefined;
  private innerSubscriptions: Array<() => void> = [];
  private wanted = false;
  private joined = false;
  private current: ConnectionStatus = { state: 'idle', attempts: 0, error: null, isLeader: false };
  private last: string | undefined;
  private detachEnvironment: (() => void) | undefined;
  private readonly listener = (event: MessageEvent) => this.receive(event.data as RelayMessage);

  constructor(private readonly options: SharedClientOptions) {
    const name = `beacon:${options.shareKey}`;
    this.channel = options.channelFactory?.(name) ?? (new BroadcastChannel(name) as ChannelLike);
    this.elector = options.electorFactory?.(this.channel, name) ?? defaultElector(this.channel, name);
    this.cache = options.cache;
    if (this.cache) this.cache.persist = false;
    this.last = options.lastEventId;
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  get lastEventId(): string | undefined {
    return this.last;
  }

  get isLeader(): boolean {
    return this.elector.isLeader;
  }

  connect(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.join();
    this.attachEnvironment();
  }

  disconnect(): void {
    this.wanted = false;
    this.leave();
    this.detachEnvironment?.();
    this.detachEnvironment = undefined;
    this.setStatus({ state: 'closed', isLeader: false, transport: undefined, clientId: undefined, attempts: 0, error: null });
  }

  dispose(): void {
    this.disconnect();
    this.channel.close();
    this.handlers.clear();
    this.statusListeners.clear();
  }

  on<K extends string>(type: K, handler: Handler<PayloadOf<K>>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler as Handler);
    if (type !== '*' && !(KNOWN_EVENT_TYPES as readonly string[]).includes(type) && !this.extraTypes.has(type)) {
      this.extraTypes.add(type);
      if (this.inner) this.innerSubscriptions.push(this.inner.on(type, () => undefined));
      else if (this.joined) this.post({ kind: 'relay:listen', types: [type] });
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

  check(reason = 'check'): void {
    if (!this.wanted) return;
    if (this.inner) this.inner.check(reason);
    else this.post({ kind: 'relay:check', reason });
  }

  private join(): void {
    if (this.joined) return;
    this.joined = true;
    this.channel.addEventListener('message', this.listener);
    this.setStatus({ state: 'connecting', isLeader: false, error: null });
    this.post({ kind: 'relay:hello', types: [...this.extraTypes] });
    this.elector.start((leader) => (leader ? this.lead() : this.follow()));
  }

  private leave(): void {
    if (!this.joined) return;
    this.joined = false;
    this.elector.stop();
    this.follow();
    this.channel.removeEventListener('message', this.listener);
  }

  /** This tab was elected: open the real connection, resuming from the last id any tab relayed. */
  private lead(): void {
    if (this.inner || !this.joined) return;
    const factory = this.options.clientFactory ?? ((o: BeaconClientOptions) => new BeaconClient(o));
    const inner = factory({ ...this.options, lastEventId: this.last, onReset: undefined, cache: undefined });
    this.inner = inner;
    if (this.cache) this.cache.persist = true;
    this.innerSubscriptions = [
      inner.on('*', (event) => {
        this.post({ kind: 'relay:event', event });
        this.deliver(event);
      }),
      inner.onStatus((status) => {
        const mine = { ...status, isLeader: true };
        this.setStatus(mine);
        this.post({ kind: 'relay:status', status: mine });
      }),
      ...[...this.extraTypes].map((type) => inner.on(type, () => undefined)),
    ];
    this.setStatus({ isLeader: true });
    inner.connect();
  }

  /** This tab is no longer the leader (it left, or lost an election): close the connection it held. */
  private follow(): void {
    const inner = this.inner;
    if (!inner) return;
    this.inner = undefined;
    for (const unsubscribe of this.innerSubscriptions) unsubscribe();
    this.innerSubscriptions = [];
    inner.dispose();
    if (this.cache) {
      this.cache.flush();
      this.cache.persist = false;
    }
    if (this.joined) {
      this.setStatus({ state: 'connecting', isLeader: false, transport: undefined, clientId: undefined });
      this.post({ kind: 'relay:status', status: { ...this.current, state: 'reconnecting' } });
    }
  }

  private receive(message: RelayMessage): void {
    if (!message || typeof message !== 'object' || !this.joined) return;
    switch (message.kind) {
      case 'relay:event':
        if (!this.inner) this.deliver(message.event);
        break;
      case 'relay:status':
        if (!this.inner) this.setStatus({ ...message.status, isLeader: false });
        break;
      case 'relay:hello':
      case 'relay:listen':
        for (const type of message.types) {
          if (this.extraTypes.has(type)) continue;
          this.extraTypes.add(type);
          if (this.inner) this.innerSubscriptions.push(this.inner.on(type, () => undefined));
        }
        if (message.kind === 'relay:hello' && this.inner) this.post({ kind: 'relay:status', status: this.current });
        break;
      case 'relay:check':
        this.inner?.check(message.reason);
        break;
    }
  }

  private deliver(event: BeaconEvent): void {
    if (event.id !== undefined) {
      if (this.seen.has(event.id)) return;
      this.seen.add(event.id);
      this.seenOrder.push(event.id);
      if (this.seenOrder.length > 2000) this.seen.delete(this.seenOrder.shift()!);
      this.last = event.id;
    }
    if (event.type === 'reset') {
      const reset = event.data as ResetPayload;
      if (reset.currentId) this.last = reset.currentId;
      if (this.options.onReset) {
        Promise.resolve()
          .then(() => this.options.onReset?.(reset))
          .catch((error) => console.error('Beacon: onReset failed', error));
      }
    }
    if (!CONTROL_EVENT_TYPES.has(event.type)) this.cache?.add(event);
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

  private attachEnvironment(): void {
    const env = this.options.env ?? browserEnvironment();
    const win = env.windowTarget;
    const doc = env.documentTarget;
    // A follower that wakes up asks the leader to check the stream (the leader reacts to its own events too).
    const onWake = () => {
      if (!this.inner && (!doc?.visibilityState || doc.visibilityState === 'visible')) this.check('follower-wake');
    };
    // Leaving for the back/forward cache must release leadership, or the other tabs would wait for it.
    const onPageHide = () => {
      if (this.joined) this.leave();
    };
    const onPageShow = () => {
      if (this.wanted && !this.joined) this.join();
    };
    doc?.addEventListener('visibilitychange', onWake);
    win?.addEventListener('online', onWake);
    win?.addEventListener('pagehide', onPageHide);
    win?.addEventListener('pageshow', onPageShow);
    this.detachEnvironment = () => {
      doc?.removeEventListener('visibilitychange', onWake);
      win?.removeEventListener('online', onWake);
      win?.removeEventListener('pagehide', onPageHide);
      win?.removeEventListener('pageshow', onPageShow);
    };
  }

  private post(message: RelayMessage): void {
    try {
      this.channel.postMessage(message);
    } catch {
      // The channel is closed (tab going away).
    }
  }

  private setStatus(change: Partial<ConnectionStatus>): void {
    this.current = { ...this.current, ...change };
    for (const listener of [...this.statusListeners]) {
      try {
        listener(this.current);
      } catch (error) {
        console.error('Beacon: a status listener threw', error);
      }
    }
  }
}

import type { BeaconClientOptions, ConnectionStatus, Handler, RealtimeClient, StatusListener } from '../../src/realtime/client';
import type { TransportKind } from '../../src/realtime/events';
import type { ChannelLike } from '../../src/realtime/leader';
import type { Transport, TransportFactory, TransportFailure, TransportRequest, TransportSink } from '../../src/realtime/transports';

/** A transport driven by the test. */
export class FakeTransport implements Transport {
  closed = false;
  readonly listened = new Set<string>();
  constructor(readonly kind: TransportKind, readonly request: TransportRequest, readonly sink: TransportSink) {}
  listen(type: string) { this.listened.add(type); }
  isOpen() { return !this.closed; }
  close() { this.closed = true; }
  connected(heartbeatSeconds = 30, clientId = 'c1') {
    this.sink.event('connected', { clientId, userId: 'alice', nodeId: 'n1', serverTime: new Date().toISOString(), heartbeatSeconds }, undefined);
  }
  emit(type: string, data: unknown, id?: string) { this.sink.event(type, data, id); }
  fail(failure: Partial<TransportFailure> = {}) {
    this.closed = true;
    this.sink.failed({ message: 'boom', ...failure });
  }
}

/** An EventSource stand-in: records every instance opened and the listeners added to it. Reset `opened` per test. */
export class FakeEventSource {
  static opened: FakeEventSource[] = [];
  static get last(): FakeEventSource {
    return FakeEventSource.opened[FakeEventSource.opened.length - 1];
  }
  readyState = 1;
  onerror: ((e: unknown) => void) | null = null;
  readonly listeners = new Map<string, (e: unknown) => void>();
  closed = false;
  constructor(readonly url: string) { FakeEventSource.opened.push(this); }
  addEventListener(type: string, l: (e: unknown) => void) { this.listeners.set(type, l); }
  close() { this.closed = true; this.readyState = 2; }
}

/** Records every transport the client opens. */
/**
 * A WebSocket class for `TransportEnvironment.WebSocket` that keeps the last one made, open (`readyState` 1) or still
 * connecting (0); a test drives it through its handlers.
 */
export function fakeWebSocket(readyState: number) {
  return class FakeWebSocket {
    static last: FakeWebSocket;
    readyState = readyState;
    onmessage: ((e: unknown) => void) | null = null;
    onclose: ((e: unknown) => void) | null = null;
    onerror: (() => void) | null = null;
    constructor(readonly url: string) { FakeWebSocket.last = this; }
    close() { this.readyState = 3; }
  };
}

export class FakeNetwork {
  readonly opened: FakeTransport[] = [];
  factories(): Record<TransportKind, TransportFactory> {
    const make = (kind: TransportKind): TransportFactory => (request, sink) => {
      const t = new FakeTransport(kind, request, sink);
      this.opened.push(t);
      return t;
    };
    return { sse: make('sse'), ws: make('ws'), poll: make('poll') };
  }
  get last(): FakeTransport {
    return this.opened[this.opened.length - 1];
  }
  get kinds(): TransportKind[] {
    return this.opened.map((t) => t.kind);
  }
}

/** A minimal EventTarget stand-in for window/document. */
export class FakeTarget {
  visibilityState = 'visible';
  private readonly listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: () => void) { this.listeners.get(type)?.delete(listener); }
  fire(type: string) { for (const l of [...(this.listeners.get(type) ?? [])]) l(); }
  count(type: string) { return this.listeners.get(type)?.size ?? 0; }
}

/** In-memory BroadcastChannels: a message reaches every other channel of the same name (not the sender), asynchronously. */
export class ChannelBus {
  private readonly channels = new Set<FakeChannel>();
  open(name: string): FakeChannel {
    const channel = new FakeChannel(name, this);
    this.channels.add(channel);
    return channel;
  }
  deliver(from: FakeChannel, message: unknown) {
    const data = structuredClone(message);
    for (const c of this.channels) if (c !== from && c.name === from.name && !c.closed) queueMicrotask(() => c.receive(data));
  }
  remove(channel: FakeChannel) { this.channels.delete(channel); }
}

export class FakeChannel implements ChannelLike {
  closed = false;
  private readonly listeners = new Set<(e: MessageEvent) => void>();
  constructor(readonly name: string, private readonly bus: ChannelBus) {}
  postMessage(message: unknown) { if (!this.closed) this.bus.deliver(this, message); }
  addEventListener(_type: 'message', listener: (e: MessageEvent) => void) { this.listeners.add(listener); }
  removeEventListener(_type: 'message', listener: (e: MessageEvent) => void) { this.listeners.delete(listener); }
  close() { this.closed = true; this.bus.remove(this); }
  receive(data: unknown) { if (!this.closed) for (const l of [...this.listeners]) l({ data } as MessageEvent); }
}

/** A RealtimeClient the test drives (what the shared client's leader would run). */
export class FakeClient implements RealtimeClient {
  static created: FakeClient[] = [];
  status: ConnectionStatus = { state: 'idle', attempts: 0, error: null };
  lastEventId: string | undefined;
  connected = false;
  disposed = false;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly statusListeners = new Set<StatusListener>();
  constructor(readonly options: BeaconClientOptions) {
    this.lastEventId = options.lastEventId;
    FakeClient.created.push(this);
  }
  connect() {
    this.connected = true;
    this.setStatus({ state: 'connected', transport: 'sse', clientId: `fake-${FakeClient.created.length}` });
  }
  disconnect() { this.connected = false; }
  dispose() { this.disposed = true; this.connected = false; }
  check() {}
  on(type: string, handler: Handler<any>) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type)!.add(handler);
    return () => this.handlers.get(type)!.delete(handler);
  }
  onStatus(listener: StatusListener) { this.statusListeners.add(listener); return () => this.statusListeners.delete(listener); }
  emit(type: string, data: unknown, id?: string) {
    const event = { type, data, id, receivedAt: Date.now(), transport: 'sse' as const };
    for (const key of [type, '*']) for (const h of [...(this.handlers.get(key) ?? [])]) h(event);
  }
  setStatus(change: Partial<ConnectionStatus>) {
    this.status = { ...this.status, ...change };
    for (const l of this.statusListeners) l(this.status);
  }
}

/** Map-backed localStorage. */
export class MemoryStorage {
  readonly map = new Map<string, string>();
  failWrites = 0;
  getItem(key: string) { return this.map.get(key) ?? null; }
  setItem(key: string, value: string) {
    if (this.failWrites > 0) { this.failWrites--; throw new Error('QuotaExceededError'); }
    this.map.set(key, value);
  }
  removeItem(key: string) { this.map.delete(key); }
  get length() { return this.map.size; }
  key(index: number) { return [...this.map.keys()][index] ?? null; }
}

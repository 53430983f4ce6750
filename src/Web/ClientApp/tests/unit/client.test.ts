import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventCache } from '../../src/realtime/cache';
import { BeaconClient, type BeaconClientOptions, type ConnectionStatus } from '../../src/realtime/client';
import { FakeEventSource, FakeNetwork, FakeTarget } from './fakes';

function setup(options: BeaconClientOptions = {}) {
  const network = new FakeNetwork();
  const win = new FakeTarget();
  const doc = new FakeTarget();
  const statuses: ConnectionStatus[] = [];
  const client = new BeaconClient({
    env: { EventSource: class {} as never, WebSocket: class {} as never, fetch: (() => undefined) as never, random: () => 0.5, windowTarget: win, documentTarget: doc },
    transportFactories: network.factories(),
    ...options,
  });
  client.onStatus((s) => statuses.push(s));
  return { client, network, win, doc, statuses };
}

/** Lets the async open() (token lookup) run. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('BeaconClient', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('connects over SSE with identity, topics and metadata, and reports connected', async () => {
    const { client, network } = setup({ userId: 'alice', topics: ['news', 'ops'], sessionId: 's1', metadata: { page: 'demo' } });
    client.connect();
    await settle();
    expect(client.status.state).toBe('connecting');
    expect(network.last.kind).toBe('sse');
    expect(network.last.request).toMatchObject({ userId: 'alice', topics: ['news', 'ops'], sessionId: 's1', metadata: { page: 'demo' }, lastEventId: undefined });
    network.last.connected(30, 'client-1');
    expect(client.status).toMatchObject({ state: 'connected', transport: 'sse', clientId: 'client-1', attempts: 0 });
  });

  it('on() delivers typed events and returns an unsubscribe', async () => {
    const { client, network } = setup();
    const titles: string[] = [];
    const off = client.on('notification', (e) => titles.push(String(e.data.title)));
    const all = vi.fn();
    client.on('*', all);
    client.connect();
    await settle();
    network.last.connected();
    network.last.emit('notification', { title: 'one' }, 'e-1');
    off();
    network.last.emit('notification', { title: 'two' }, 'e-2');
    expect(titles).toEqual(['one']);
    expect(all).toHaveBeenCalledTimes(3); // connected + 2
    expect(client.lastEventId).toBe('e-2');
  });

  it('asks an SSE transport to listen for custom event types', async () => {
    const { client, network } = setup();
    client.on('test.custom', () => undefined);
    client.connect();
    await settle();
    expect(network.last.listened.has('test.custom')).toBe(true);
    expect(network.last.listened.has('notification')).toBe(true);
    client.on('later.type', () => undefined);
    expect(network.last.listened.has('later.type')).toBe(true);
  });

  it('reconnects with growing jittered backoff and resumes from the last id', async () => {
    const { client, network } = setup({ reconnectInterval: 1000, transports: ['sse'] });
    client.connect();
    await settle();
    network.last.connected();
    network.last.emit('update', {}, 'e-7');
    network.last.fail();
    expect(client.status).toMatchObject({ state: 'reconnecting', attempts: 1 });
    // attempt 1: cap 1000, random 0.5, jitter 0.5 → 750
    await vi.advanceTimersByTimeAsync(749);
    expect(network.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(network.opened).toHaveLength(2);
    expect(network.last.request.lastEventId).toBe('e-7');

    network.last.fail(); // attempt 2 → 1500
    await vi.advanceTimersByTimeAsync(1499);
    expect(network.opened).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(network.opened).toHaveLength(3);

    network.last.connected();
    expect(client.status.attempts).toBe(0); // reset on success
    network.last.fail();
    await vi.advanceTimersByTimeAsync(750);
    expect(network.opened).toHaveLength(4);
  });

  it('after maxReconnectAttempts reports failed and keeps backing off, growing towards slowRetryInterval', async () => {
    const { client, network } = setup({ maxReconnectAttempts: 2, slowRetryInterval: 10_000, transports: ['sse'] });
    client.connect();
    await settle();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      network.last.fail();
      expect(client.status).toMatchObject({ state: attempt > 2 ? 'failed' : 'reconnecting', attempts: attempt });
      delays.push(client.status.nextRetryAt! - Date.now());
      await vi.advanceTimersByTimeAsync(delays[delays.length - 1]);
      expect(network.opened).toHaveLength(attempt + 1);
    }
    // random 0.5, jitter 0.5: ¾ of min(cap, 1 s · 2^(n−1)); from the third attempt on the cap is slowRetryInterval.
    expect(delays).toEqual([750, 1500, 3000, 6000, 7500, 7500, 7500]);
  });

  it('recovers from a 16 s outage within about 30 s, not after a flat 30 s wait on top of the fast attempts', async () => {
    // The shortest jittered delays: the seed's five attempts are used up at 15.5 s, so a server back at 16 s used to be
    // tried again only at 45.5 s.
    const { client, network } = setup({ transports: ['sse'], env: { EventSource: class {} as never, random: () => 0, windowTarget: new FakeTarget(), documentTarget: new FakeTarget() } });
    client.connect();
    await settle();
    network.last.connected();
    const down = Date.now();
    network.last.fail();
    const upAt = down + 16_000;
    while (network.last.closed || client.status.state !== 'connected') {
      const wait = client.status.nextRetryAt! - Date.now();
      expect(wait).toBeLessThanOrEqual(30_000);
      await vi.advanceTimersByTimeAsync(wait);
      if (Date.now() < upAt) network.last.fail();
      else network.last.connected();
      expect(Date.now() - down).toBeLessThan(60_000);
    }
    expect(Date.now() - down).toBeLessThanOrEqual(31_000);
  });

  it('keeps trying at the cap for good, each delay jittered so clients that failed together spread out', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const { client, network } = setup({ transports: ['sse'], env: { EventSource: class {} as never, random, windowTarget: new FakeTarget(), documentTarget: new FakeTarget() } });
    client.connect();
    await settle();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 30; attempt++) {
      network.last.fail();
      delays.push(client.status.nextRetryAt! - Date.now());
      await vi.advanceTimersByTimeAsync(delays[delays.length - 1]);
    }
    expect(network.opened).toHaveLength(31);
    expect(Math.max(...delays)).toBeLessThanOrEqual(30_000);
    const atCap = delays.slice(10);
    expect(Math.min(...atCap)).toBeGreaterThanOrEqual(15_000);
    expect(new Set(atCap).size).toBeGreaterThan(10);
  });

  it('stops for good after maxReconnectAttempts when slowRetryInterval is 0, and never retries without autoReconnect', async () => {
    const a = setup({ maxReconnectAttempts: 1, slowRetryInterval: 0, transports: ['sse'] });
    a.client.connect();
    await settle();
    a.network.last.fail();
    await vi.advanceTimersByTimeAsync(750);
    a.network.last.fail();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(a.network.opened).toHaveLength(2);
    expect(a.client.status.state).toBe('failed');

    const b = setup({ autoReconnect: false });
    b.client.connect();
    await settle();
    b.network.last.fail({ message: 'nope' });
    await vi.advanceTimersByTimeAsync(600_000);
    expect(b.network.opened).toHaveLength(1);
    expect(b.client.status).toMatchObject({ state: 'failed', error: 'nope' });
  });

  it('honours Retry-After when it is longer than the backoff', async () => {
    const { client, network } = setup({ transports: ['poll'] });
    client.connect();
    await settle();
    network.last.fail({ status: 429, retryAfterMs: 10_000 });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(network.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(network.opened).toHaveLength(2);
  });

  it('a wake-up (visible, online, pageshow) does not retry before the Retry-After the server asked for', async () => {
    const { client, network, win, doc } = setup({ transports: ['poll'] });
    client.connect();
    await settle();
    network.last.fail({ status: 503, retryAfterMs: 60_000, message: 'Polling answered 503.' });
    await vi.advanceTimersByTimeAsync(10_000);
    doc.fire('visibilitychange');
    win.fire('online');
    win.fire('pageshow');
    await settle();
    expect(network.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(50_000);
    expect(network.opened).toHaveLength(2);
    // Without a Retry-After, a wake-up still retries at once.
    network.last.fail();
    doc.fire('visibilitychange');
    await settle();
    expect(network.opened).toHaveLength(3);
  });

  it('stops on a refusal retrying cannot change (400, 403) instead of backing off', async () => {
    for (const status of [400, 403]) {
      const { client, network } = setup({ transports: ['poll'] });
      client.connect();
      await settle();
      network.last.fail({ status, message: 'Polling answered 403: Not allowed on these topics.' });
      await vi.advanceTimersByTimeAsync(600_000);
      expect(network.opened).toHaveLength(1);
      expect(client.status).toMatchObject({ state: 'failed', error: 'Polling answered 403: Not allowed on these topics.' });
    }
  });

  it('treats 2× heartbeat silence as a dead stream and resumes', async () => {
    const { client, network } = setup();
    client.connect();
    await settle();
    network.last.connected(30);
    network.last.emit('update', {}, 'e-1');
    await vi.advanceTimersByTimeAsync(30_000);
    network.last.emit('ping', { time: 'x' });
    await vi.advanceTimersByTimeAsync(59_999);
    expect(network.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(network.opened[0].closed).toBe(true);
    expect(client.status.state).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(750);
    expect(network.opened).toHaveLength(2);
    expect(network.last.request.lastEventId).toBe('e-1');
  });

  it('a transport that never sends connected fails after connectTimeout', async () => {
    const { client, network } = setup({ connectTimeout: 5_000, transports: ['sse'] });
    client.connect();
    await settle();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(network.opened[0].closed).toBe(true);
    expect(client.status).toMatchObject({ state: 'reconnecting', attempts: 1 });
  });

  it('a getToken that never answers (a stalled refresh) fails the attempt after connectTimeout and is asked again', async () => {
    let calls = 0;
    const getToken = vi.fn((_reason: string) => (++calls === 1 ? new Promise<string>(() => undefined) : Promise.resolve('fresh')));
    const { client, network } = setup({ getToken, connectTimeout: 5_000, transports: ['sse'] });
    client.connect();
    await settle();
    expect(network.opened).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(client.status).toMatchObject({ state: 'reconnecting', attempts: 1 });
    await vi.advanceTimersByTimeAsync(750);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(network.opened).toHaveLength(1);
    expect(network.last.request.token).toBe('fresh');
  });

  it('a failing getToken is not held against the transport: it backs off but stays on SSE', async () => {
    const getToken = vi.fn(async (_reason: string) => {
      throw new Error('token service down');
    });
    const { client } = setup({ getToken });
    client.connect();
    await settle();
    for (let i = 0; i < 4; i++) await vi.advanceTimersByTimeAsync(client.status.nextRetryAt! - Date.now());
    expect(getToken).toHaveBeenCalledTimes(5);
    expect(client.status).toMatchObject({ state: 'reconnecting', attempts: 5, error: 'Could not get a token: token service down' });
    expect(client.transportPolicy.current).toBe('sse');
  });

  it('falls back SSE → WebSocket → long-poll when transports fail to connect', async () => {
    const { client, network } = setup();
    client.connect();
    await settle();
    network.last.fail();
    await vi.advanceTimersByTimeAsync(750);
    network.last.fail();
    expect(client.status.transport).toBe('ws');
    await vi.advanceTimersByTimeAsync(750);
    expect(network.last.kind).toBe('ws');
    network.last.fail();
    await vi.advanceTimersByTimeAsync(5_000);
    network.last.fail();
    await vi.advanceTimersByTimeAsync(750);
    expect(network.kinds).toEqual(['sse', 'sse', 'ws', 'ws', 'poll']);
    network.last.connected();
    expect(client.status).toMatchObject({ state: 'connected', transport: 'poll' });
  });

  /** A client on the WebSocket fallback (SSE failed once), connected, having received `w-1`. */
  async function onFallback(options: BeaconClientOptions = {}) {
    const t = setup({ fallback: { failuresBeforeFallback: 1, upgradeIntervalMs: 60_000 }, ...options });
    t.client.connect();
    await settle();
    t.network.last.fail();
    await vi.advanceTimersByTimeAsync(750);
    t.network.last.connected(); // ws
    t.network.last.emit('update', {}, 'w-1');
    return { ...t, ws: t.network.last };
  }

  it('while on a fallback, tries SSE beside it (make before break) and switches once SSE has said connected', async () => {
    const { client, network, ws } = await onFallback({ heartbeatFactor: 100 });
    const ids: string[] = [];
    client.on('update', (e) => ids.push(e.id!));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(network.kinds).toEqual(['sse', 'ws', 'sse']);
    const probe = network.last;
    expect(probe.request.lastEventId).toBe('w-1');
    expect(ws.closed).toBe(false);
    expect(client.status).toMatchObject({ state: 'connected', transport: 'ws' });

    ws.emit('update', {}, 'w-2'); // the fallback still delivers while the probe opens
    probe.connected(30, 'sse-client');
    expect(ws.closed).toBe(true);
    expect(client.status).toMatchObject({ state: 'connected', transport: 'sse', clientId: 'sse-client' });
    probe.emit('update', {}, 'w-2'); // the probe's replay after w-1: already delivered
    probe.emit('update', {}, 'w-3');
    ws.emit('update', {}, 'w-4'); // a late frame of the closed fallback
    expect(ids).toEqual(['w-2', 'w-3']);
    expect(client.lastEventId).toBe('w-3');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(network.kinds).toEqual(['sse', 'ws', 'sse']); // on the preferred transport, nothing more to probe
  });

  it('a probe that fails or never says connected is dropped, and the fallback carries on untouched', async () => {
    const { client, network, ws } = await onFallback({ heartbeatFactor: 100 });
    const ids: string[] = [];
    client.on('update', (e) => ids.push(e.id!));
    await vi.advanceTimersByTimeAsync(60_000);
    network.last.fail(); // refused
    await vi.advanceTimersByTimeAsync(1000);
    expect(network.kinds).toEqual(['sse', 'ws', 'sse']);
    expect(ws.closed).toBe(false);
    expect(client.status).toMatchObject({ state: 'connected', transport: 'ws', attempts: 0 });
    ws.emit('update', {}, 'w-2');

    await vi.advanceTimersByTimeAsync(59_000); // the next probe, a minute after the failed one
    expect(network.kinds).toEqual(['sse', 'ws', 'sse', 'sse']);
    const silent = network.last; // a proxy that buffers SSE: open, but no `connected`
    expect(silent.request.lastEventId).toBe('w-2');
    await vi.advanceTimersByTimeAsync(10_000); // connectTimeout
    expect(silent.closed).toBe(true);
    expect(ws.closed).toBe(false);
    ws.emit('update', {}, 'w-3');
    expect(ids).toEqual(['w-2', 'w-3']);
    expect(client.status).toMatchObject({ state: 'connected', transport: 'ws' });
  });

  it('a fallback that drops while a probe is open takes the probe down with it', async () => {
    const { network, ws } = await onFallback();
    await vi.advanceTimersByTimeAsync(60_000);
    const probe = network.last;
    ws.fail();
    expect(probe.closed).toBe(true);
    probe.connected(); // too late: ignored
    await vi.advanceTimersByTimeAsync(750);
    expect(network.kinds).toEqual(['sse', 'ws', 'sse', 'ws']);
  });

  it('drops duplicate ids (overlap across a transport switch) but delivers each id once', async () => {
    const { client, network } = setup({ transports: ['sse'] });
    const ids: string[] = [];
    client.on('update', (e) => ids.push(e.id!));
    client.connect();
    await settle();
    network.last.connected();
    network.last.emit('update', {}, 'a');
    network.last.emit('update', {}, 'b');
    network.last.fail();
    await vi.advanceTimersByTimeAsync(750);
    network.last.connected();
    network.last.emit('update', {}, 'b');
    network.last.emit('update', {}, 'c');
    expect(ids).toEqual(['a', 'b', 'c']);
  });

  it('on reset calls the app refetch and resumes from currentId', async () => {
    const onReset = vi.fn();
    const { client, network } = setup({ onReset, lastEventId: 'old-5' });
    client.connect();
    await settle();
    expect(network.last.request.lastEventId).toBe('old-5');
    network.last.connected();
    network.last.emit('reset', { reason: 'expired', lastEventId: 'old-5', currentId: 'new-9' }, 'new-9');
    await settle();
    expect(onReset).toHaveBeenCalledWith({ reason: 'expired', lastEventId: 'old-5', currentId: 'new-9' });
    expect(client.lastEventId).toBe('new-9');
  });

  it('on shutdown waits the delay the node chose, then resumes from the last id, without counting a failure', async () => {
    const { client, network, win } = setup({ transports: ['sse', 'ws'], fallback: { failuresBeforeFallback: 1 } });
    const seen: unknown[] = [];
    client.on('shutdown', (e) => seen.push(e.data));
    client.connect();
    await settle();
    network.last.connected();
    network.last.emit('update', {}, 'e-5');
    network.last.emit('shutdown', { retryMs: 4200 });
    expect(seen).toEqual([{ retryMs: 4200 }]);
    expect(network.last.closed).toBe(true);
    expect(client.status).toMatchObject({ state: 'reconnecting', attempts: 0, error: 'The server is shutting down.' });
    expect(client.status.nextRetryAt! - Date.now()).toBe(4200);
    network.last.fail(); // the stream's own end, after the event
    win.fire('online'); // a wake-up is no reason to come back early either
    await vi.advanceTimersByTimeAsync(4199);
    expect(network.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(network.opened).toHaveLength(2);
    expect(network.last).toMatchObject({ kind: 'sse', request: { lastEventId: 'e-5' } });
  });

  it('shutdown over a fallback transport is honoured the same way, and a missing delay falls back to the first backoff step', async () => {
    const { client, network } = setup({ transports: ['poll'] });
    client.connect();
    await settle();
    network.last.connected();
    network.last.emit('shutdown', { retryMs: 2600 });
    expect(client.status.nextRetryAt! - Date.now()).toBe(2600);
    await vi.advanceTimersByTimeAsync(2600);
    network.last.connected();
    network.last.emit('shutdown', {});
    expect(client.status.nextRetryAt! - Date.now()).toBe(750);
  });

  it('on token_expired refreshes the token and resumes at once, without counting a failure', async () => {
    let n = 0;
    const getToken = vi.fn(async (_reason: string) => `token-${++n}`);
    const { client, network } = setup({ getToken });
    client.connect();
    await settle();
    expect(getToken).toHaveBeenLastCalledWith('connect');
    expect(network.last.request.token).toBe('token-1');
    network.last.connected();
    network.last.emit('notification', {}, 'e-3');
    network.last.emit('token_expired', { expiredAt: 'x' });
    await settle();
    expect(getToken).toHaveBeenLastCalledWith('expired');
    expect(network.opened).toHaveLength(2);
    expect(network.opened[0].closed).toBe(true);
    expect(network.last.request).toMatchObject({ token: 'token-2', lastEventId: 'e-3' });
    expect(client.status.attempts).toBe(0);
  });

  it('asks for a token before every reconnect, and retries a 401 once with a fresh token', async () => {
    const getToken = vi.fn(async (_reason: string) => 't');
    const { client, network } = setup({ getToken, transports: ['poll'] });
    client.connect();
    await settle();
    network.last.fail({ status: 401 });
    await settle();
    expect(getToken.mock.calls.map((c) => c[0])).toEqual(['connect', 'expired']);
    expect(network.opened).toHaveLength(2);
    network.last.fail({ status: 401 }); // still refused: now it counts
    expect(client.status.attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(750);
    expect(getToken.mock.calls.map((c) => c[0])).toEqual(['connect', 'expired', 'reconnect']);
  });

  it('a token the server keeps refusing (401: the refresh is failing) backs off without leaving SSE', async () => {
    const getToken = vi.fn(async (_reason: string) => 'expired-token');
    const { client, network } = setup({ getToken });
    client.connect();
    await settle();
    for (let i = 0; i < 4; i++) {
      network.last.fail({ status: 401, message: 'The stream ticket was refused (401).' });
      await settle();
      network.last.fail({ status: 401, message: 'The stream ticket was refused (401).' });
      await vi.advanceTimersByTimeAsync(client.status.nextRetryAt! - Date.now());
      await settle();
    }
    expect(new Set(network.kinds)).toEqual(new Set(['sse']));
  });

  it('wakes up on online/visibilitychange/resume: retries at once, or resumes a stale stream', async () => {
    const { client, network, win, doc } = setup({ transports: ['sse'] });
    client.connect();
    await settle();
    network.last.fail();
    expect(client.status.state).toBe('reconnecting');
    win.fire('online');
    await settle();
    expect(network.opened).toHaveLength(2); // did not wait for the backoff
    network.last.connected(30);

    // A frozen tab: timers did not run, the stream is silent for longer than a heartbeat.
    vi.setSystemTime(Date.now() + 45_000);
    doc.fire('resume');
    await settle();
    expect(network.opened).toHaveLength(3);
    network.last.connected(30);

    // Visible again with a healthy stream: nothing to do.
    doc.fire('visibilitychange');
    await settle();
    expect(network.opened).toHaveLength(3);
    network.last.closed = true; // the socket died silently
    doc.fire('visibilitychange');
    await settle();
    expect(network.opened).toHaveLength(4);
  });

  it('failures while the browser is offline are not held against the transport', async () => {
    let online = false;
    const { client, network } = setup({ env: {
      EventSource: class {} as never, WebSocket: class {} as never, fetch: (() => undefined) as never, random: () => 0.5,
      windowTarget: new FakeTarget(), documentTarget: new FakeTarget(), isOnline: () => online,
    } });
    client.connect();
    await settle();
    for (let i = 0; i < 4; i++) {
      network.last.fail();
      await vi.advanceTimersByTimeAsync(client.status.nextRetryAt! - Date.now());
    }
    expect(network.kinds).toEqual(['sse', 'sse', 'sse', 'sse', 'sse']);
    online = true;
    network.last.fail();
    await vi.advanceTimersByTimeAsync(client.status.nextRetryAt! - Date.now());
    expect(network.last.kind).toBe('sse'); // the first failure online: SSE gets its second chance
  });

  it('back online after falling back (the network was down, not SSE), it starts again from SSE', async () => {
    const { client, network, win } = setup();
    client.connect();
    await settle();
    for (let i = 0; i < 4; i++) {
      network.last.fail();
      await vi.advanceTimersByTimeAsync(client.status.nextRetryAt! - Date.now());
    }
    expect(network.last.kind).toBe('poll');
    network.last.fail();
    win.fire('online');
    await settle();
    expect(network.last.kind).toBe('sse');
    expect(client.status).toMatchObject({ state: 'reconnecting', transport: 'sse', attempts: 0 });
    network.last.connected();
    expect(client.status).toMatchObject({ state: 'connected', transport: 'sse' });
  });

  it('after a laptop sleep (timers frozen, then the clock jumps) resumes a dead stream at once, without waiting out the heartbeat', async () => {
    const { client, network } = setup({ transports: ['sse'] });
    client.connect();
    await settle();
    network.last.connected(30);
    network.last.emit('update', {}, 'e-1');
    await vi.advanceTimersByTimeAsync(10_000);
    // Ten minutes asleep: the wall clock moves, the timers (monotonic) do not. No page event says so.
    vi.setSystemTime(Date.now() + 10 * 60_000);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(network.opened).toHaveLength(2); // not 50 s later, when the 60 s heartbeat timer would have fired
    expect(network.opened[0].closed).toBe(true);
    expect(network.last.request.lastEventId).toBe('e-1');
  });

  it('a healthy stream is left alone by the wake-up check', async () => {
    const { client, network } = setup({ transports: ['sse'] });
    client.connect();
    await settle();
    network.last.connected(30);
    for (let i = 0; i < 20; i++) {
      await vi.advanceTimersByTimeAsync(15_000);
      network.last.emit('ping', {});
    }
    expect(network.opened).toHaveLength(1);
  });

  it('disconnect() closes, stops timers and detaches page listeners', async () => {
    const { client, network, win, doc } = setup();
    client.connect();
    await settle();
    network.last.connected();
    expect(win.count('online')).toBe(1);
    client.disconnect();
    expect(client.status.state).toBe('closed');
    expect(network.last.closed).toBe(true);
    expect(win.count('online')).toBe(0);
    expect(doc.count('visibilitychange')).toBe(0);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(network.opened).toHaveLength(1);
  });

  it('by default (the seed\'s rule) reports failed after 5 failed attempts, and goes on at most 30 s apart', async () => {
    const { client, network } = setup({ transports: ['poll'] });
    client.connect();
    await settle();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 8; attempt++) {
      network.last.fail();
      expect(client.status).toMatchObject({ state: attempt > 5 ? 'failed' : 'reconnecting', attempts: attempt });
      delays.push(client.status.nextRetryAt! - Date.now());
      await vi.advanceTimersByTimeAsync(delays[delays.length - 1]); // exactly to the next attempt
    }
    expect(delays).toEqual([750, 1500, 3000, 6000, 12_000, 22_500, 22_500, 22_500]);
  });

  it('options given as undefined keep their defaults (autoReconnect, maxReconnectAttempts)', async () => {
    const { client, network } = setup({ autoReconnect: undefined, maxReconnectAttempts: undefined, reconnectInterval: undefined, transports: ['sse'] });
    client.connect();
    await settle();
    network.last.fail();
    expect(client.status).toMatchObject({ state: 'reconnecting', attempts: 1 });
    await vi.advanceTimersByTimeAsync(750);
    expect(network.opened).toHaveLength(2);
  });

  it('adds data events to the cache, not protocol events', async () => {
    const cache = new EventCache();
    const { client, network } = setup({ cache });
    client.connect();
    await settle();
    network.last.connected();
    network.last.emit('ping', {});
    network.last.emit('job_progress', { jobId: 'j', progress: 40 }, 'e-1');
    expect(cache.query().map((e) => e.type)).toEqual(['job_progress']);
  });
});

describe('BeaconClient with the real SSE transport and stream tickets', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a ticket request that cannot reach the server (restarting) is not held against SSE', async () => {
    FakeEventSource.opened = [];
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const client = new BeaconClient({
      env: { EventSource: FakeEventSource as never, WebSocket: class {} as never, fetch: fetch as never, random: () => 0.5, windowTarget: new FakeTarget(), documentTarget: new FakeTarget() },
      getToken: async () => 'jwt',
    });
    client.connect();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 4; i++) await vi.advanceTimersByTimeAsync(client.status.nextRetryAt! - Date.now());
    expect(fetch).toHaveBeenCalledTimes(5);
    expect(client.status).toMatchObject({ state: 'reconnecting', transport: 'sse', attempts: 5 });
    expect(client.status.error).toMatch(/Could not get a stream ticket/);
    client.dispose();
  });

  it('anonymous (no ticket): a stream refused while the server is down (restarting) is retried on SSE, not walked to a fallback', async () => {
    FakeEventSource.opened = [];
    let serverUp = false;
    const fetch = vi.fn(async (url: string) => {
      if (!serverUp) throw new TypeError('Failed to fetch');
      return new Response(url.endsWith('/health/live') ? 'Healthy' : '[]');
    });
    const client = new BeaconClient({
      env: { EventSource: FakeEventSource as never, WebSocket: class {} as never, fetch: fetch as never, random: () => 0.5, windowTarget: new FakeTarget(), documentTarget: new FakeTarget() },
      userId: 'ann',
    });
    client.connect();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 4; i++) {
      FakeEventSource.last.readyState = 2; // connection refused
      FakeEventSource.last.onerror!({ type: 'error' });
      await vi.waitFor(() => expect(client.status.nextRetryAt).toBeDefined());
      expect(client.status).toMatchObject({ transport: 'sse', attempts: i + 1 });
      await vi.advanceTimersByTimeAsync(client.status.nextRetryAt! - Date.now());
    }
    expect(FakeEventSource.opened).toHaveLength(5);
    expect(client.status.error).toMatch(/cannot be reached/);

    // Up again, but SSE is what fails now (a proxy that blocks it): that is held against SSE as before.
    serverUp = true;
    for (let i = 0; i < 2; i++) {
      FakeEventSource.last.onerror!({ type: 'error' });
      await vi.waitFor(() => expect(client.status.attempts).toBe(4 + i + 1));
      if (i === 0) await vi.advanceTimersByTimeAsync(client.status.nextRetryAt! - Date.now());
    }
    expect(client.status.transport).toBe('ws');
    client.dispose();
  });

  it('a refused ticket (401) gets a fresh token and a new ticket, and the stream URL never carries a token', async () => {
    FakeEventSource.opened = [];
    const tickets: string[] = [];
    const fetch = vi.fn(async (_url: string, init: RequestInit) => {
      const auth = (init.headers as Record<string, string>).Authorization;
      tickets.push(auth);
      return auth === 'Bearer stale' ? new Response('{}', { status: 401 }) : new Response('{"ticket":"tk-fresh"}');
    });
    let n = 0;
    const getToken = vi.fn(async (_reason: string) => (++n === 1 ? 'stale' : 'fresh'));
    const client = new BeaconClient({
      env: { EventSource: FakeEventSource as never, fetch: fetch as never, random: () => 0.5, windowTarget: new FakeTarget(), documentTarget: new FakeTarget() },
      transports: ['sse'],
      getToken,
    });
    client.connect();
    await vi.advanceTimersByTimeAsync(0);
    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    expect(getToken.mock.calls.map((c) => c[0])).toEqual(['connect', 'expired']);
    expect(tickets).toEqual(['Bearer stale', 'Bearer fresh']);
    expect(FakeEventSource.opened[0].url).toBe('/api/sse?ticket=tk-fresh');
    expect(client.status.attempts).toBe(0);
    client.dispose();
  });
});

import { describe, expect, it, vi } from 'vitest';
import { buildQuery, pollTransport, sseTransport, wsTransport, type TransportSink } from '../../src/realtime/transports';

function sink() {
  const events: Array<[string, unknown, string | undefined]> = [];
  const s: TransportSink & { events: typeof events; failures: unknown[]; cursors: string[] } = {
    events, failures: [], cursors: [],
    event: (type, data, id) => events.push([type, data, id]),
    alive: () => undefined,
    cursor: (id) => s.cursors.push(id),
    failed: (f) => s.failures.push(f),
  };
  return s;
}

describe('buildQuery', () => {
  it('sends topics, session, metadata; userId only without a token', () => {
    expect(buildQuery({ baseUrl: '', topics: ['a', 'b'], sessionId: 's', userId: 'bob', metadata: { page: 'x' } }))
      .toBe('?topics=a%2Cb&sessionId=s&userId=bob&page=x');
    expect(buildQuery({ baseUrl: '', userId: 'bob', token: 't' }, { access_token: 't' })).toBe('?access_token=t');
    expect(buildQuery({ baseUrl: '' })).toBe('');
  });
});

describe('sseTransport', () => {
  class FakeEventSource {
    static last: FakeEventSource;
    readyState = 0;
    onerror: ((e: unknown) => void) | null = null;
    listeners = new Map<string, (e: unknown) => void>();
    closed = false;
    constructor(readonly url: string) { FakeEventSource.last = this; }
    addEventListener(type: string, l: (e: unknown) => void) { this.listeners.set(type, l); }
    close() { this.closed = true; this.readyState = 2; }
  }

  it('opens /api/sse with the resume point and token, parses JSON frames and reports an error once', () => {
    const s = sink();
    const t = sseTransport({ baseUrl: '', lastEventId: 'e-1', token: 'tok' }, s, { EventSource: FakeEventSource as never }, { pollWaitSeconds: 25 });
    const es = FakeEventSource.last;
    expect(es.url).toBe('/api/sse?lastEventId=e-1&access_token=tok');
    t.listen('notification');
    t.listen('notification');
    es.listeners.get('notification')!({ data: '{"title":"x"}', lastEventId: 'e-2' });
    expect(s.events).toEqual([['notification', { title: 'x' }, 'e-2']]);
    es.onerror!({ type: 'error', data: '{"error":"a server-sent error event"}' });
    expect(s.failures).toHaveLength(0); // `event: error` frames are data, not connection failures
    es.onerror!({ type: 'error' });
    es.onerror!({ type: 'error' });
    expect(s.failures).toHaveLength(1);
    expect(es.closed).toBe(true);
  });
});

describe('wsTransport', () => {
  it('connects to ws:// on the page origin and reads {id, type, data} frames', () => {
    class FakeWebSocket {
      static last: FakeWebSocket;
      readyState = 1;
      onmessage: ((e: unknown) => void) | null = null;
      onclose: ((e: unknown) => void) | null = null;
      onerror: (() => void) | null = null;
      constructor(readonly url: string) { FakeWebSocket.last = this; }
      close() { this.readyState = 3; }
    }
    const s = sink();
    wsTransport({ baseUrl: '', topics: ['t'] }, s, { WebSocket: FakeWebSocket as never, location: { protocol: 'https:', host: 'beacon.example' } }, { pollWaitSeconds: 25 });
    const ws = FakeWebSocket.last;
    expect(ws.url).toBe('wss://beacon.example/api/ws?topics=t');
    ws.onmessage!({ data: '{"type":"connected","data":{"clientId":"c"}}' });
    ws.onmessage!({ data: '{"id":"e-1","type":"update","data":{"v":1}}' });
    ws.onclose!({ code: 1006, reason: '' });
    expect(s.events).toEqual([['connected', { clientId: 'c' }, undefined], ['update', { v: 1 }, 'e-1']]);
    expect(s.failures).toHaveLength(1);
  });
});

describe('pollTransport', () => {
  it('polls with after=<last id>, synthesises connected, follows the cursor, and fails on an HTTP error', async () => {
    const responses = [
      new Response('[]', { headers: { 'X-Beacon-Cursor': 'e-5' } }),
      new Response('[{"id":"e-6","type":"update","data":{}},{"id":"e-7","type":"update","data":{}}]', { headers: { 'X-Beacon-Cursor': 'e-7' } }),
      new Response('{}', { status: 503, headers: { 'Retry-After': '3' } }),
    ];
    const urls: string[] = [];
    const headers: unknown[] = [];
    const fetch = vi.fn(async (url: string, init: RequestInit) => {
      urls.push(url);
      headers.push(init.headers);
      return responses.shift()!;
    });
    const s = sink();
    pollTransport({ baseUrl: '', token: 'tok', lastEventId: 'e-4' }, s, { fetch: fetch as never }, { pollWaitSeconds: 20 });
    await vi.waitFor(() => expect(s.failures).toHaveLength(1));
    expect(urls).toEqual(['/api/events?after=e-4&wait=0', '/api/events?after=e-5&wait=20', '/api/events?after=e-7&wait=20']);
    expect(headers[0]).toMatchObject({ Authorization: 'Bearer tok' });
    expect(s.events.map((e) => [e[0], e[2]])).toEqual([['connected', undefined], ['update', 'e-6'], ['update', 'e-7']]);
    expect(s.cursors).toEqual(['e-5', 'e-7']);
    expect(s.failures[0]).toMatchObject({ status: 503, retryAfterMs: 3000 });
  });
});

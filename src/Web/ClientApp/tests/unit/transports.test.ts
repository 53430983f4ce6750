import { describe, expect, it, vi } from 'vitest';
import { buildQuery, pollTransport, sseTransport, wsTransport, type TransportSink } from '../../src/realtime/transports';
import { FakeEventSource, fakeWebSocket } from './fakes';

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

describe('sseTransport ids', () => {
  it("reports no id for a frame without an `id:` line, although the browser repeats the stream's last one on it", () => {
    const s = sink();
    const t = sseTransport({ baseUrl: '' }, s, { EventSource: FakeEventSource as never }, { pollWaitSeconds: 25 });
    const es = FakeEventSource.last;
    for (const type of ['connected', 'notification', 'ping', 'token_expired']) t.listen(type);
    // What Chromium dispatches for: connected (id e-0), notification (id e-1), ping (no id), token_expired (no id).
    es.listeners.get('connected')!({ data: '{}', lastEventId: 'e-0' });
    es.listeners.get('ping')!({ data: '{}', lastEventId: 'e-0' });
    es.listeners.get('notification')!({ data: '{}', lastEventId: 'e-1' });
    es.listeners.get('ping')!({ data: '{}', lastEventId: 'e-1' });
    es.listeners.get('token_expired')!({ data: '{}', lastEventId: 'e-1' });
    expect(s.events.map(([type, , id]) => [type, id])).toEqual([
      ['connected', 'e-0'], ['ping', undefined], ['notification', 'e-1'], ['ping', undefined], ['token_expired', undefined],
    ]);
  });
});

describe('URL credentials (SSE and WebSocket)', () => {
  function ticketFetch(...responses: Response[]) {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const fetch = vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return responses.shift()!;
    });
    return { fetch: fetch as never, calls };
  }

  it('trades the token for a one-time ticket over the Authorization header, and puts only the ticket in the URL', async () => {
    FakeEventSource.opened = [];
    const { fetch, calls } = ticketFetch(new Response('{"ticket":"tk-1","expiresAt":"x"}'));
    const s = sink();
    const t = sseTransport({ baseUrl: 'https://b.example', token: 'secret-jwt', lastEventId: 'e-1' }, s, { EventSource: FakeEventSource as never, fetch }, { pollWaitSeconds: 25 });
    t.listen('notification'); // before the stream exists: applied once it opens
    expect(t.isOpen()).toBe(false);
    await vi.waitFor(() => expect(FakeEventSource.opened).toHaveLength(1));
    expect(calls[0].url).toBe('https://b.example/api/sse/ticket');
    expect(calls[0].init).toMatchObject({ method: 'POST', headers: { Authorization: 'Bearer secret-jwt' } });
    const es = FakeEventSource.opened[0];
    expect(es.url).toBe('https://b.example/api/sse?lastEventId=e-1&ticket=tk-1');
    expect(es.url).not.toContain('secret-jwt');
    expect(t.isOpen()).toBe(true);
    es.listeners.get('notification')!({ data: '{"title":"x"}', lastEventId: 'e-2' });
    expect(s.events).toEqual([['notification', { title: 'x' }, 'e-2']]);
    t.close();
    expect(es.closed).toBe(true);
  });

  it('a refused ticket fails the attempt with its status, and opens nothing', async () => {
    FakeEventSource.opened = [];
    const { fetch } = ticketFetch(new Response('{}', { status: 401 }));
    const s = sink();
    sseTransport({ baseUrl: '', token: 'expired-jwt' }, s, { EventSource: FakeEventSource as never, fetch }, { pollWaitSeconds: 25 });
    await vi.waitFor(() => expect(s.failures).toHaveLength(1));
    expect(s.failures[0]).toMatchObject({ status: 401 });
    expect(FakeEventSource.opened).toHaveLength(0);

    const throttled = ticketFetch(new Response('{}', { status: 429, headers: { 'Retry-After': '2' } }));
    const s2 = sink();
    sseTransport({ baseUrl: '', token: 'jwt' }, s2, { EventSource: FakeEventSource as never, fetch: throttled.fetch }, { pollWaitSeconds: 25 });
    await vi.waitFor(() => expect(s2.failures).toHaveLength(1));
    expect(s2.failures[0]).toMatchObject({ status: 429, retryAfterMs: 2000 });
  });

  it('closed while the ticket is on its way: nothing opens and nothing is reported', async () => {
    FakeEventSource.opened = [];
    let answer!: (r: Response) => void;
    const fetch = vi.fn((_url: string, init: RequestInit) => new Promise<Response>((resolve, reject) => {
      answer = resolve;
      init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
    }));
    const s = sink();
    const t = sseTransport({ baseUrl: '', token: 'jwt' }, s, { EventSource: FakeEventSource as never, fetch: fetch as never }, { pollWaitSeconds: 25 });
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    t.close();
    answer(new Response('{"ticket":"late"}'));
    await new Promise((r) => setTimeout(r, 10));
    expect(FakeEventSource.opened).toHaveLength(0);
    expect(s.failures).toHaveLength(0);
  });

  it('a ticket request that gets no answer (a dead pooled socket after a half-open drop) is abandoned after 5 s, not held against SSE', async () => {
    vi.useFakeTimers();
    try {
      FakeEventSource.opened = [];
      const signals: AbortSignal[] = [];
      const fetch = vi.fn((_url: string, init: RequestInit) => new Promise<Response>((_resolve, reject) => {
        signals.push(init.signal!);
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      }));
      const s = sink();
      sseTransport({ baseUrl: '', token: 'jwt' }, s, { EventSource: FakeEventSource as never, fetch: fetch as never }, { pollWaitSeconds: 25 });
      await vi.advanceTimersByTimeAsync(4999);
      expect(s.failures).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(signals[0].aborted).toBe(true); // the request, and the dead socket under it, are given up
      expect(s.failures).toEqual([{ message: 'No answer to the stream ticket request within 5 s.', neutral: true }]);
      expect(FakeEventSource.opened).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a ticket that answers in time leaves no timer behind to fail the stream later', async () => {
    vi.useFakeTimers();
    try {
      FakeEventSource.opened = [];
      const { fetch } = ticketFetch(new Response('{"ticket":"tk-1"}'));
      const s = sink();
      const t = sseTransport({ baseUrl: '', token: 'jwt' }, s, { EventSource: FakeEventSource as never, fetch }, { pollWaitSeconds: 25 });
      await vi.advanceTimersByTimeAsync(0);
      expect(FakeEventSource.opened).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(s.failures).toHaveLength(0);
      expect(t.isOpen()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("urlCredentials 'token', or no token at all, asks for no ticket", async () => {
    FakeEventSource.opened = [];
    const { fetch, calls } = ticketFetch();
    sseTransport({ baseUrl: '', token: 'jwt', urlCredentials: 'token' }, sink(), { EventSource: FakeEventSource as never, fetch }, { pollWaitSeconds: 25 });
    sseTransport({ baseUrl: '', userId: 'guest' }, sink(), { EventSource: FakeEventSource as never, fetch }, { pollWaitSeconds: 25 });
    expect(FakeEventSource.opened.map((e) => e.url)).toEqual(['/api/sse?access_token=jwt', '/api/sse?userId=guest']);
    expect(calls).toHaveLength(0);
  });

  it('the WebSocket takes a ticket too', async () => {
    const FakeWebSocket = fakeWebSocket(1);
    const { fetch } = ticketFetch(new Response('{"ticket":"tk-ws"}'));
    wsTransport({ baseUrl: '', token: 'jwt' }, sink(), { WebSocket: FakeWebSocket as never, fetch, location: { protocol: 'http:', host: 'h' } }, { pollWaitSeconds: 25 });
    await vi.waitFor(() => expect(FakeWebSocket.last).toBeDefined());
    expect(FakeWebSocket.last!.url).toBe('ws://h/api/ws?ticket=tk-ws');
  });
});

describe('wsTransport', () => {
  it('connects to ws:// on the page origin and reads {id, type, data} frames', () => {
    const FakeWebSocket = fakeWebSocket(1);
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

  it("says why a refusal came, from the problem's title", async () => {
    const problem = JSON.stringify({ status: 403, title: 'Not allowed on these topics.', topics: ['private:x'] });
    const fetch = vi.fn(async () => new Response(problem, { status: 403, headers: { 'Content-Type': 'application/problem+json' } }));
    const s = sink();
    pollTransport({ baseUrl: '', token: 'tok', topics: ['private:x'] }, s, { fetch: fetch as never }, { pollWaitSeconds: 20 });
    await vi.waitFor(() => expect(s.failures).toHaveLength(1));
    expect(s.failures[0]).toMatchObject({ status: 403, message: 'Polling answered 403: Not allowed on these topics.' });
  });
});

describe('a stream that fails before its first frame: server down, or the transport blocked?', () => {
  const anonymous = { baseUrl: 'http://beacon.test', userId: 'ann' };

  function health(answer: () => Promise<Response>) {
    const urls: string[] = [];
    const fetch = vi.fn(async (url: string) => {
      urls.push(url);
      return answer();
    });
    return { fetch: fetch as never, urls };
  }

  it('no answer at all (connection refused: restarting) is not held against SSE', async () => {
    const s = sink();
    const { fetch, urls } = health(async () => { throw new TypeError('Failed to fetch'); });
    sseTransport(anonymous, s, { EventSource: FakeEventSource as never, fetch }, { pollWaitSeconds: 25 });
    FakeEventSource.last.readyState = 2;
    FakeEventSource.last.onerror!({ type: 'error' });
    await vi.waitFor(() => expect(s.failures).toHaveLength(1));
    expect(urls).toEqual(['http://beacon.test/health/live']);
    expect(s.failures[0]).toMatchObject({ neutral: true, message: expect.stringMatching(/cannot be reached/) });
  });

  it("a gateway's 502/503/504 (the node behind it is down) is not held against SSE, and its Retry-After is kept", async () => {
    for (const status of [502, 503, 504]) {
      const s = sink();
      const { fetch } = health(async () => new Response('', { status, headers: { 'Retry-After': '4' } }));
      sseTransport(anonymous, s, { EventSource: FakeEventSource as never, fetch }, { pollWaitSeconds: 25 });
      FakeEventSource.last.onerror!({ type: 'error' });
      await vi.waitFor(() => expect(s.failures).toHaveLength(1));
      expect(s.failures[0]).toMatchObject({ neutral: true, retryAfterMs: 4000 });
    }
  });

  it('a server that answers (so SSE itself fails: a proxy blocks it) counts against SSE', async () => {
    const s = sink();
    const { fetch } = health(async () => new Response('Healthy'));
    sseTransport(anonymous, s, { EventSource: FakeEventSource as never, fetch }, { pollWaitSeconds: 25 });
    FakeEventSource.last.onerror!({ type: 'error' });
    await vi.waitFor(() => expect(s.failures).toHaveLength(1));
    expect(s.failures[0]).not.toHaveProperty('neutral');
  });

  it('a stream that had delivered frames and then drops is a drop, with no question asked', () => {
    const s = sink();
    const { fetch, urls } = health(async () => new Response('Healthy'));
    const t = sseTransport(anonymous, s, { EventSource: FakeEventSource as never, fetch }, { pollWaitSeconds: 25 });
    t.listen('connected');
    FakeEventSource.last.listeners.get('connected')!({ data: '{}', lastEventId: '' });
    FakeEventSource.last.onerror!({ type: 'error' });
    expect(s.failures).toEqual([{ message: 'The stream dropped.' }]);
    expect(urls).toEqual([]);
  });

  it('the WebSocket asks the same question when it closes without a frame', async () => {
    const FakeWebSocket = fakeWebSocket(0);
    const s = sink();
    const { fetch, urls } = health(async () => { throw new TypeError('Failed to fetch'); });
    wsTransport({ baseUrl: 'https://beacon.test' }, s, { WebSocket: FakeWebSocket as never, fetch }, { pollWaitSeconds: 25 });
    FakeWebSocket.last.onerror!();
    await vi.waitFor(() => expect(s.failures).toHaveLength(1));
    expect(urls).toEqual(['https://beacon.test/health/live']);
    expect(s.failures[0]).toMatchObject({ neutral: true });
  });
});

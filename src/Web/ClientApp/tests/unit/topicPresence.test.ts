import { describe, expect, it } from 'vitest';
import { watchTopicPresence, type TopicPresence, type TopicPresenceError } from '../../src/realtime/topicPresence';

/** Timers run by hand, and a fetch that answers from a script. */
function harness(answers: Array<{ status: number; body: unknown } | Error>) {
  const pending: Array<() => void> = [];
  const requests: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    requests.push({ url, headers: init.headers as Record<string, string> });
    const answer = answers.shift() ?? { status: 200, body: { topic: 't', connections: 0, users: 0 } };
    if (answer instanceof Error) throw answer;
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  }) as unknown as typeof globalThis.fetch;
  const timers = { setTimeout: (fn: () => void) => pending.push(fn), clearTimeout: () => pending.splice(0) };
  const tick = async () => {
    const next = pending.shift();
    if (!next) throw new Error('no poll was scheduled');
    next();
    await settle();
  };
  return { fetch, timers, requests, pending, tick };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('watchTopicPresence', () => {
  it('asks at once with the token, reports changes only, and keeps polling', async () => {
    const h = harness([
      { status: 200, body: { topic: 'room 1', connections: 2, users: 1 } },
      { status: 200, body: { topic: 'room 1', connections: 2, users: 1 } },
      { status: 200, body: { topic: 'room 1', connections: 3, users: 2 } },
    ]);
    const seen: TopicPresence[] = [];
    watchTopicPresence('room 1', (p) => seen.push(p), () => undefined, { url: 'https://beacon.test', token: () => 'tok', fetch: h.fetch, timers: h.timers });
    await settle();
    expect(h.requests[0].url).toBe('https://beacon.test/api/sse/topics/presence?topic=room%201');
    expect(h.requests[0].headers.Authorization).toBe('Bearer tok');
    await h.tick();
    await h.tick();
    expect(seen.map((p) => p.connections)).toEqual([2, 3]);
    expect(h.pending).toHaveLength(1);
  });

  it('stops on a 403 (asking again will not change it) but goes on after a 503 or a network error', async () => {
    const h = harness([
      { status: 503, body: { title: 'Redis is unavailable.' } },
      new Error('network down'),
      { status: 403, body: { title: 'Not allowed on these topics.' } },
    ]);
    const errors: TopicPresenceError[] = [];
    watchTopicPresence('private:x', () => undefined, (e) => errors.push(e), { fetch: h.fetch, timers: h.timers });
    await settle();
    await h.tick();
    await h.tick();
    expect(errors.map((e) => [e.status, e.final])).toEqual([[503, false], [0, false], [403, true]]);
    expect(errors[2].message).toBe('Not allowed on these topics.');
    expect(h.pending).toHaveLength(0);
  });

  it('stopping cancels the next poll', async () => {
    const h = harness([]);
    const stop = watchTopicPresence('t', () => undefined, () => undefined, { fetch: h.fetch, timers: h.timers });
    await settle();
    expect(h.pending).toHaveLength(1);
    stop();
    expect(h.pending).toHaveLength(0);
  });
});

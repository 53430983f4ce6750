import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryStorage } from './fakes';

type Auth = typeof import('../../src/auth');

/** A dev-token endpoint the test answers by hand: each request waits until the test resolves it. */
function tokenServer() {
  const pending: Array<{ userId: string; resolve: (token: string) => void; signal?: AbortSignal }> = [];
  const fetch = vi.fn((_url: string, init: RequestInit) => new Promise<Response>((resolve, reject) => {
    const { userId } = JSON.parse(String(init.body)) as { userId: string };
    init.signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')));
    pending.push({
      userId,
      signal: init.signal ?? undefined,
      resolve: (token) => resolve(new Response(JSON.stringify({ accessToken: token, expiresAt: new Date(Date.now() + 3_600_000).toISOString() }))),
    });
  }));
  return { fetch, pending };
}

/** auth.ts with alice signed in, her token about to expire. */
async function signedIn(): Promise<{ auth: Auth; server: ReturnType<typeof tokenServer> }> {
  const storage = new MemoryStorage();
  storage.setItem('beacon:auth', JSON.stringify({ userId: 'alice', roles: ['user'], token: 'alice-0', expiresAt: new Date(Date.now() + 30_000).toISOString(), lifetimeMinutes: 60 }));
  const server = tokenServer();
  vi.stubGlobal('localStorage', storage);
  vi.stubGlobal('fetch', server.fetch);
  vi.resetModules();
  return { auth: await import('../../src/auth'), server };
}

describe('currentToken', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("never hands one user's refreshed token to another who signed in while it was on its way", async () => {
    const { auth, server } = await signedIn();
    const alices = auth.currentToken(true); // alice's stream got token_expired: a refresh starts
    expect(server.pending.map((p) => p.userId)).toEqual(['alice']);

    // Meanwhile alice signs out and bob signs in, with a short-lived token (so it is refreshed before each use).
    auth.logout();
    const login = auth.devLogin('bob', ['user'], 1);
    server.pending[1].resolve('bob-1');
    await login;
    const bobs = auth.currentToken(true);

    server.pending[0].resolve('alice-1');
    await vi.advanceTimersByTimeAsync(0);
    if (server.pending[2]) server.pending[2].resolve('bob-2');
    expect(await bobs).toMatch(/^bob-/);
    expect(await alices).not.toMatch(/^bob-/);
  });

  it('abandons a refresh that stalls, so a later call can start a new one', async () => {
    const { auth, server } = await signedIn();
    const first = auth.currentToken(true);
    let settled = false;
    void first.then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(settled).toBe(true);
    expect(await first).toBe('alice-0'); // the token it had: the server says whether it still counts
    expect(server.pending[0].signal?.aborted).toBe(true);

    const second = auth.currentToken(true);
    expect(server.pending).toHaveLength(2);
    server.pending[1].resolve('alice-1');
    expect(await second).toBe('alice-1');
  });

  it("a connection opened for alice never gets bob's token: after she signs out, asking for hers fails", async () => {
    const { auth, server } = await signedIn();
    const hers = auth.currentToken(false, 'alice'); // good for 30 s more: refreshed, as it is below a minute
    server.pending[0].resolve('alice-1');
    expect(await hers).toBe('alice-1');
    auth.logout();
    const login = auth.devLogin('bob', ['user']);
    server.pending[1].resolve('bob-1');
    await login;
    // alice's client, still closing (or in the middle of a reconnect), asks for a token for its next attempt.
    await expect(auth.currentToken(false, 'alice')).rejects.toThrow(/alice/);
    expect(await auth.currentToken(false, 'bob')).toBe('bob-1');
  });
});

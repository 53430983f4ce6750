import { useSyncExternalStore } from 'react';
import { forgetCachedEvents } from './react/useSSE';

export type Role = 'user' | 'publisher' | 'admin';

/** Who this browser is signed in as (a development token from POST /api/auth/dev-token). */
export interface AuthState {
  userId: string;
  roles: Role[];
  token: string;
  expiresAt: string;
  lifetimeMinutes: number;
}

const KEY = 'beacon:auth';
const GUEST_KEY = 'beacon:guest';
const listeners = new Set<() => void>();
let state: AuthState | null = read();

function read(): AuthState | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as AuthState) : null;
  } catch {
    return null;
  }
}

function write(next: AuthState | null): void {
  state = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  for (const listener of [...listeners]) listener();
}

// Another tab signed in or out: follow it.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key !== KEY) return;
    const previous = state;
    state = read();
    // Signed out there, or in as someone else: this tab's caches of the last user go too. The tab may hold the shared
    // connection, whose cache would otherwise write that user's events back to storage as it closes.
    if (previous && previous.userId !== state?.userId) forgetCachedEvents(null);
    for (const listener of [...listeners]) listener();
  });
}

export function getAuth(): AuthState | null {
  return state;
}

export function useAuth(): AuthState | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => state,
  );
}

export function hasRole(auth: AuthState | null, role: Role): boolean {
  return !!auth && (auth.roles.includes(role) || auth.roles.includes('admin'));
}

/** The user id used in anonymous demo mode when nobody is signed in (stable per browser). */
export function guestId(): string {
  let id = localStorage.getItem(GUEST_KEY);
  if (!id) {
    id = `guest-${Math.random().toString(36).slice(2, 8)}`;
    localStorage.setItem(GUEST_KEY, id);
  }
  return id;
}

/** How long a token refresh may take: on a network that stalls, a request can hang for minutes. */
const REFRESH_TIMEOUT_MS = 10_000;

async function issue(userId: string, roles: Role[], lifetimeMinutes: number, timeoutMs?: number): Promise<AuthState> {
  const abort = new AbortController();
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch('/api/auth/dev-token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ userId, roles, lifetimeMinutes }),
      signal: abort.signal,
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail ?? body.title ?? `Sign-in failed (${response.status}).`);
    return { userId, roles, token: body.accessToken, expiresAt: body.expiresAt, lifetimeMinutes };
  } finally {
    clearTimeout(timer);
  }
}

/** Signs in with a development token (Development only). */
export async function devLogin(userId: string, roles: Role[], lifetimeMinutes = 60): Promise<AuthState> {
  const next = await issue(userId, roles.length > 0 ? roles : ['user'], lifetimeMinutes);
  write(next);
  return next;
}

export function logout(): void {
  write(null);
  // The events cached for the signed-out user stay in localStorage otherwise, readable by the next person here.
  forgetCachedEvents();
}

/** The refresh on its way, shared by the callers of the same user (never handed to another who signed in since). */
let refreshing: { userId: string; promise: Promise<AuthState | null> } | null = null;

/**
 * The current token, refreshed first when it expires within a minute (or when `force`: the server said it
 * expired). Dev tokens are simply re-issued; a real app would use its refresh token here. A refresh that does not
 * answer within 10 s is abandoned (the caller gets the token it had), so the next call can start another. With
 * `forUser`, it fails unless that user is the one signed in.
 */
export async function currentToken(force = false, forUser?: string): Promise<string | null> {
  const auth = state;
  // A connection opened for one user (closing, or in the middle of a reconnect, after a sign-out) must not get the next
  // user's token, nor connect without one: it gets no token at all.
  if (forUser !== undefined && auth?.userId !== forUser) throw new Error(`${forUser} is no longer signed in.`);
  if (!auth) return null;
  const expiresIn = Date.parse(auth.expiresAt) - Date.now();
  if (!force && expiresIn > 60_000) return auth.token;
  if (refreshing?.userId !== auth.userId) {
    const promise: Promise<AuthState | null> = issue(auth.userId, auth.roles, auth.lifetimeMinutes, REFRESH_TIMEOUT_MS)
      .then((next) => {
        // Still the same user? (They may have signed out meanwhile.)
        if (state?.userId === next.userId) write(next);
        return next;
      })
      .catch(() => null)
      .finally(() => {
        if (refreshing?.promise === promise) refreshing = null;
      });
    refreshing = { userId: auth.userId, promise };
  }
  const next = await refreshing.promise;
  return next?.token ?? auth.token;
}

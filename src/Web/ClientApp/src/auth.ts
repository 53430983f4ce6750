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

async function issue(userId: string, roles: Role[], lifetimeMinutes: number): Promise<AuthState> {
  const response = await fetch('/api/auth/dev-token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ userId, roles, lifetimeMinutes }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail ?? body.title ?? `Sign-in failed (${response.status}).`);
  return { userId, roles, token: body.accessToken, expiresAt: body.expiresAt, lifetimeMinutes };
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

let refreshing: Promise<AuthState | null> | null = null;

/**
 * The current token, refreshed first when it expires within a minute (or when `force`: the server said it
 * expired). Dev tokens are simply re-issued; a real app would use its refresh token here.
 */
export async function currentToken(force = false): Promise<string | null> {
  const auth = state;
  if (!auth) return null;
  const expiresIn = Date.parse(auth.expiresAt) - Date.now();
  if (!force && expiresIn > 60_000) return auth.token;
  refreshing ??= issue(auth.userId, auth.roles, auth.lifetimeMinutes)
    .then((next) => {
      // Still the same user? (They may have signed out meanwhile.)
      if (state?.userId === next.userId) write(next);
      return next;
    })
    .catch(() => null)
    .finally(() => {
      refreshing = null;
    });
  const next = await refreshing;
  return next?.token ?? auth.token;
}

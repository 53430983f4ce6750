import { describe, expect, it, vi } from 'vitest';
import { openDashboard, startDashboardSession } from '../../src/dashboard';

function fakeWindow(blocked = false) {
  const tab = { opener: {} as unknown, location: { href: 'about:blank' } };
  const open = vi.fn(() => (blocked ? null : tab));
  const assign = vi.fn();
  return { tab, open, assign, window: { open, location: { assign } } as unknown as Pick<Window, 'open' | 'location'> };
}

describe('Hangfire dashboard link', () => {
  it('opens a session with the token in the Authorization header of a POST, not in a URL', async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));

    expect(await startDashboardSession({ token: async () => 'jwt.admin.sig', fetch })).toBe(true);

    expect(fetch).toHaveBeenCalledOnce();
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/hangfire/session');
    expect(init).toMatchObject({ method: 'POST', credentials: 'same-origin', headers: { Authorization: 'Bearer jwt.admin.sig' } });
  });

  it('opens the tab before the request, then sends it to the plain dashboard address', async () => {
    const w = fakeWindow();
    let tabOpenedFirst = false;
    const fetch = vi.fn(async () => {
      tabOpenedFirst = w.open.mock.calls.length === 1;
      return new Response(null, { status: 204 });
    });

    await openDashboard({ token: async () => 'jwt.admin.sig', fetch, window: w.window });

    expect(tabOpenedFirst).toBe(true);
    expect(w.tab.opener).toBeNull();
    expect(w.tab.location.href).toBe('/hangfire');
    expect(w.tab.location.href).not.toContain('access_token');
  });

  it('still opens the dashboard (which then says why) when the session is refused, and in this tab when pop-ups are blocked', async () => {
    const w = fakeWindow(true);
    const fetch = vi.fn(async () => new Response(null, { status: 403 }));

    await openDashboard({ token: async () => 'jwt.user.sig', fetch, window: w.window });

    expect(w.assign).toHaveBeenCalledWith('/hangfire');
  });

  it('sends nothing when signed out', async () => {
    const fetch = vi.fn();
    expect(await startDashboardSession({ token: async () => null, fetch })).toBe(false);
    expect(fetch).not.toHaveBeenCalled();
  });
});

import { currentToken } from './auth';

/** The Hangfire dashboard's address: it never carries a token. */
export const DASHBOARD_PATH = '/hangfire';

/** Where the bearer header is traded for the dashboard's HttpOnly cookie (204 for an admin). */
export const DASHBOARD_SESSION_PATH = '/hangfire/session';

/** What {@link openDashboard} needs from the browser (injectable for tests). */
export interface DashboardDeps {
  token?: () => Promise<string | null>;
  fetch?: typeof fetch;
  window?: Pick<Window, 'open' | 'location'>;
}

/**
 * Signs this browser in to the dashboard: the token goes in the `Authorization` header of a POST, and the answer sets
 * the dashboard's cookie, so the token never enters a URL (browser history, access logs, `Referer`). Resolves to
 * whether the session was opened.
 */
export async function startDashboardSession(deps: DashboardDeps = {}): Promise<boolean> {
  const token = await (deps.token ?? currentToken)();
  if (!token) return false;
  try {
    const response = await (deps.fetch ?? fetch)(DASHBOARD_SESSION_PATH, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      credentials: 'same-origin',
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** Opens the dashboard in a new tab once its session is set. */
export async function openDashboard(deps: DashboardDeps = {}): Promise<void> {
  const win = deps.window ?? window;
  // The tab is opened before the request, while the click still counts as a user gesture: one opened after an await
  // may be blocked as a pop-up. It must not reach back into this page, as rel="noopener" would ensure for a link.
  const tab = win.open('about:blank', '_blank');
  if (tab) tab.opener = null;
  // Opened even when the session failed: the dashboard's own 401 or 403 then says why.
  await startDashboardSession(deps);
  if (tab) tab.location.href = DASHBOARD_PATH;
  else win.location.assign(DASHBOARD_PATH);
}

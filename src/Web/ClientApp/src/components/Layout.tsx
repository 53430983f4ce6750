import type { ReactNode } from 'react';
import { hasRole, logout, useAuth } from '../auth';
import { HangfireLink } from './HangfireLink';
import { Link } from '../router';
import { ConnectionBadge } from './ConnectionBadge';
import { NotificationBell } from './NotificationBell';
import { usePageViews } from '../react/pageViews';

const NAV: Array<[string, string]> = [
  ['/sse-demo', 'SSE demo'],
  ['/notifications', 'Notifications'],
  ['/jobs', 'Jobs'],
  ['/chat', 'Chat'],
  ['/analytics', 'Live analytics'],
  ['/admin/sse-monitor', 'SSE monitor'],
];

export function Layout({ children }: { children: ReactNode }) {
  const auth = useAuth();
  usePageViews();
  return (
    <>
      <a className="skip" href="#main">Skip to content</a>
      <header className="top">
        <Link href="/" className="brand">Beacon</Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([href, label]) => <li key={href}><Link href={href}>{label}</Link></li>)}
            {hasRole(auth, 'admin') && <li><HangfireLink>Hangfire ↗</HangfireLink></li>}
          </ul>
        </nav>
        <div className="top-right">
          <ConnectionBadge />
          <NotificationBell />
          {auth ? (
            <span className="who">
              <span data-testid="signed-in-as">{auth.userId}</span> <span className="muted">({auth.roles.join(', ')})</span>{' '}
              <button type="button" className="secondary small" onClick={logout}>Sign out</button>
            </span>
          ) : (
            <Link href="/login" className="button small">Dev login</Link>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>{children}</main>
    </>
  );
}

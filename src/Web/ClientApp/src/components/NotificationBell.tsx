import { useEffect, useId, useRef, useState } from 'react';
import { useNotifications } from '../react/hooks';
import { Link } from '../router';

/** The bell with its unread badge and a dropdown list (mark read, mark all read, delete). */
export function NotificationBell() {
  const n = useNotifications();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const unread = n.unreadCount ?? n.items.filter((i) => !i.readAt).length;

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  return (
    <div className="bell" ref={root}>
      <button type="button" className="icon" aria-expanded={open} aria-controls={panelId} data-testid="bell"
        aria-label={`Notifications, ${unread} unread`} onClick={() => setOpen((o) => !o)}>
        <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" /><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 && <span className="badge" data-testid="unread-badge">{unread > 99 ? '99+' : unread}</span>}
      </button>
      {open && (
        <div className="popover" id={panelId} role="region" aria-label="Notifications">
          <NotificationList state={n} compact />
          <p className="popover-footer"><Link href="/notifications" onClick={() => setOpen(false)}>All notifications</Link></p>
        </div>
      )}
    </div>
  );
}

export function NotificationList({ state: n, compact = false }: { state: ReturnType<typeof useNotifications>; compact?: boolean }) {
  if (n.available === false) return <p className="muted" data-testid="module-unavailable">Notifications are not available on this server yet (<code>/api/notifications</code> answered 404).</p>;
  return (
    <div>
      <div className="row spread">
        <strong>{n.unreadCount ?? 0} unread</strong>
        <button type="button" className="secondary small" onClick={() => void n.markAllRead()} disabled={!n.items.some((i) => !i.readAt)}>Mark all read</button>
      </div>
      {n.error && <p className="error-text" role="alert">{n.error}</p>}
      {n.items.length === 0 ? (
        <p className="muted">{n.loading ? 'Loading…' : 'No notifications.'}</p>
      ) : (
        <ul className="notifications" data-testid="notification-list">
          {n.items.slice(0, compact ? 8 : undefined).map((item) => (
            <li key={item.id} className={item.readAt ? 'read' : 'unread'} data-id={item.id}>
              <div>
                <span className={`kind kind-${item.kind}`}>{item.kind}</span> <strong>{item.title}</strong>
                <p>{item.message}</p>
                <time dateTime={item.createdAt}>{new Date(item.createdAt).toLocaleString()}</time>
              </div>
              <div className="actions">
                {!item.readAt && <button type="button" className="small" onClick={() => void n.markRead(item.id)} aria-label={`Mark "${item.title}" read`}>Mark read</button>}
                <button type="button" className="small danger" onClick={() => void n.remove(item.id)} aria-label={`Delete "${item.title}"`}>Delete</button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

import { describe, expect, it } from 'vitest';
import type { BeaconEvent, NotificationItem } from '../../src/realtime';
import { applyNotificationEvent, withEventsSince } from '../../src/react/hooks';

const item = (id: string, readAt: string | null = null): NotificationItem =>
  ({ id, title: id, message: '-', kind: 'info', link: null, createdAt: '2026-01-01T00:00:00Z', readAt, isRead: readAt !== null });
const ev = (type: string, data: unknown, id: string): BeaconEvent => ({ type, data, id, receivedAt: 0, transport: 'sse' });

describe('notification list', () => {
  it('events are idempotent: one applied twice changes nothing more', () => {
    const list = [item('a')];
    const added = ev('new_notification', item('b'), 'e-1');
    expect(applyNotificationEvent(applyNotificationEvent(list, added), added).map((n) => n.id)).toEqual(['b', 'a']);
    const read = ev('notification_read', { id: 'a', readAt: 'x' }, 'e-2');
    expect(applyNotificationEvent(applyNotificationEvent(list, read), read)[0]).toMatchObject({ id: 'a', isRead: true, readAt: 'x' });
  });

  it('an older page does not wipe out what arrived on the stream while it was on its way', () => {
    // The page was read before b was created; b, its count, and the deletion of a came on the stream meanwhile.
    const page = { items: [item('a')], unreadCount: 1 };
    const arrived = [
      ev('new_notification', item('b'), 'e-1'), ev('unread_count', { count: 2 }, 'e-2'),
      ev('notification_deleted', { id: 'a' }, 'e-3'), ev('unread_count', { count: 1 }, 'e-4'),
    ];
    expect(withEventsSince(page, arrived)).toEqual({ items: [item('b')], unreadCount: 1 });
    // Events the page already reflects (sent before it was read) are harmless: the newest count still wins.
    const newer = { items: [item('b'), item('a')], unreadCount: 2 };
    expect(withEventsSince(newer, arrived.slice(0, 2))).toEqual(newer);
    expect(withEventsSince(page, [])).toEqual(page);
  });
});

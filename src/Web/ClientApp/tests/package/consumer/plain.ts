// A plain TypeScript app's use of the package, type-checked against the packed .d.ts files by
// ../package.test.ts. The @ts-expect-error lines fail the check if the package's types decay to `any`.
import {
  BeaconClient, EventCache, KNOWN_EVENT_TYPES,
  type BeaconEvent, type BeaconEventType, type ConnectionStatus, type NotificationPayload, type ResetPayload,
} from '@beacon/client';

const cache = new EventCache({ storage: null, ttlMs: 60_000 });
const client = new BeaconClient({
  url: 'https://beacon.example.com',
  topics: ['orders'],
  getToken: async (reason) => (reason === 'expired' ? 'fresh-token' : 'token'),
  onReset: (reset: ResetPayload) => console.log('refetch everything', reset),
  cache,
});

const off: () => void = client.on('notification', (e: BeaconEvent<NotificationPayload>) => console.log(e.data.title ?? e.data.message));
client.on('unread_count', (e) => console.log(e.data.count.toFixed(0), e.id, e.transport));
client.on('order_shipped', (e) => console.log(e.data));
client.onStatus((status: ConnectionStatus) => console.log(status.state, status.transport, status.attempts));
client.connect();
off();

const types: readonly BeaconEventType[] = KNOWN_EVENT_TYPES;
console.log(types, cache.latest('unread_count')?.data.count);

// @ts-expect-error an unread count is a number
client.on('unread_count', (e) => e.data.count.toUpperCase());
// @ts-expect-error a custom event's payload is unknown until the app says what it is
client.on('order_shipped', (e) => e.data.orderId);
// @ts-expect-error transports are sse, ws and poll
new BeaconClient({ transports: ['carrier-pigeon'] });

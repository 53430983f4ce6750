import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventCache } from '../../src/realtime/cache';
import type { BeaconEvent } from '../../src/realtime/events';
import type { LeaderElector } from '../../src/realtime/leader';
import { SharedBeaconClient } from '../../src/realtime/shared';
import { ChannelBus, FakeClient, FakeTarget, MemoryStorage } from './fakes';

/** An elector the test decides for. */
class ManualElector implements LeaderElector {
  isLeader = false;
  private onChange: ((leader: boolean) => void) | undefined;
  started = false;
  start(onChange: (leader: boolean) => void) { this.onChange = onChange; this.started = true; }
  stop() { this.started = false; this.set(false); }
  set(leader: boolean) {
    if (this.isLeader === leader) return;
    this.isLeader = leader;
    this.onChange?.(leader);
  }
}

function tab(bus: ChannelBus, extra: { cache?: EventCache; onReset?: () => void } = {}) {
  const elector = new ManualElector();
  const received: BeaconEvent[] = [];
  const client = new SharedBeaconClient({
    shareKey: 'alice',
    channelFactory: (name) => bus.open(name),
    electorFactory: () => elector,
    clientFactory: (o) => new FakeClient(o),
    env: { windowTarget: new FakeTarget(), documentTarget: new FakeTarget() },
    ...extra,
  });
  client.on('*', (e) => received.push(e));
  return { client, elector, received };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('SharedBeaconClient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeClient.created = [];
  });
  afterEach(() => vi.useRealTimers());

  it('only the leader opens a connection; followers get every event and the status relayed', async () => {
    const bus = new ChannelBus();
    const tabs = [tab(bus), tab(bus), tab(bus)];
    tabs.forEach((t) => t.client.connect());
    tabs[0].elector.set(true);
    await flush();
    expect(FakeClient.created).toHaveLength(1);
    expect(tabs.map((t) => t.client.status.state)).toEqual(['connected', 'connected', 'connected']);
    expect(tabs.map((t) => t.client.status.isLeader)).toEqual([true, false, false]);

    const inner = FakeClient.created[0];
    inner.emit('notification', { title: 'hi' }, 'e-1');
    inner.emit('notification', { title: 'again' }, 'e-2');
    await flush();
    for (const t of tabs) expect(t.received.filter((e) => e.type === 'notification').map((e) => e.id)).toEqual(['e-1', 'e-2']);
  });

  it('when the leader leaves, the next leader resumes from the last relayed id and nothing is shown twice', async () => {
    const bus = new ChannelBus();
    const [a, b] = [tab(bus), tab(bus)];
    a.client.connect();
    b.client.connect();
    a.elector.set(true);
    await flush();
    FakeClient.created[0].emit('update', {}, 'e-1');
    FakeClient.created[0].emit('update', {}, 'e-2');
    await flush();

    a.client.disconnect(); // tab closed
    expect(FakeClient.created[0].disposed).toBe(true);
    b.elector.set(true);
    await flush();
    expect(FakeClient.created).toHaveLength(2);
    const next = FakeClient.created[1];
    expect(next.options.lastEventId).toBe('e-2');
    next.emit('update', {}, 'e-2'); // replay overlap
    next.emit('update', {}, 'e-3');
    await flush();
    expect(b.received.filter((e) => e.type === 'update').map((e) => e.id)).toEqual(['e-1', 'e-2', 'e-3']);
    expect(b.client.status.isLeader).toBe(true);
  });

  it('forwards custom event types from followers to the leader (SSE listens by name)', async () => {
    const bus = new ChannelBus();
    const [a, b] = [tab(bus), tab(bus)];
    a.client.connect();
    a.elector.set(true);
    b.client.on('chat.custom', () => undefined);
    b.client.connect();
    await flush();
    const inner = FakeClient.created[0];
    inner.emit('chat.custom', { x: 1 }, 'c-1');
    await flush();
    expect(b.received.map((e) => e.type)).toContain('chat.custom');
  });

  it('only the leader writes the cache to storage; every tab calls its refetch on reset', async () => {
    const bus = new ChannelBus();
    const storage = new MemoryStorage();
    const resetA = vi.fn();
    const resetB = vi.fn();
    const a = tab(bus, { cache: new EventCache({ storage, key: 'k' }), onReset: resetA });
    const b = tab(bus, { cache: new EventCache({ storage, key: 'k2' }), onReset: resetB });
    a.client.connect();
    b.client.connect();
    a.elector.set(true);
    await flush();
    FakeClient.created[0].emit('update', {}, 'e-1');
    FakeClient.created[0].emit('reset', { reason: 'expired', lastEventId: 'x', currentId: 'e-9' }, 'e-9');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(storage.getItem('k')).not.toBeNull();
    expect(storage.getItem('k2')).toBeNull();
    expect(resetA).toHaveBeenCalledOnce();
    expect(resetB).toHaveBeenCalledOnce();
    expect(b.client.lastEventId).toBe('e-9');
  });

  it('a follower that wakes up asks the leader to check the stream', async () => {
    const bus = new ChannelBus();
    const a = tab(bus);
    const doc = new FakeTarget();
    const elector = new ManualElector();
    const follower = new SharedBeaconClient({
      shareKey: 'alice', channelFactory: (n) => bus.open(n), electorFactory: () => elector,
      clientFactory: (o) => new FakeClient(o), env: { windowTarget: new FakeTarget(), documentTarget: doc },
    });
    a.client.connect();
    follower.connect();
    a.elector.set(true);
    await flush();
    const check = vi.spyOn(FakeClient.created[0], 'check');
    doc.fire('visibilitychange');
    await flush();
    expect(check).toHaveBeenCalledWith('follower-wake');
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BroadcastElector, LockElector, type LockManagerLike } from '../../src/realtime/leader';
import { ChannelBus } from './fakes';

/** Web Locks as the browser implements them for one exclusive lock name: FIFO, released when the callback's promise settles. */
class FakeLocks implements LockManagerLike {
  private held = false;
  private readonly queue: Array<() => void> = [];
  request(_name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const run = () => {
        this.held = true;
        callback({}).finally(() => {
          this.held = false;
          resolve(undefined);
          this.queue.shift()?.();
        });
      };
      options.signal?.addEventListener('abort', () => {
        const i = this.queue.indexOf(run);
        if (i >= 0) {
          this.queue.splice(i, 1);
          reject(new DOMException('aborted', 'AbortError'));
        }
      });
      if (this.held) this.queue.push(run);
      else run();
    });
  }
}

describe('LockElector (Web Locks)', () => {
  it('the first tab leads, the others wait; closing the leader hands over to the next', async () => {
    const locks = new FakeLocks();
    const tabs = [0, 1, 2].map(() => new LockElector(locks, 'beacon:alice'));
    const changes: string[] = [];
    tabs.forEach((tab, i) => tab.start((leader) => changes.push(`${i}:${leader}`)));
    await Promise.resolve();
    expect(tabs.map((t) => t.isLeader)).toEqual([true, false, false]);

    tabs[0].stop(); // the leader tab closes
    await vi.waitFor(() => expect(tabs.map((t) => t.isLeader)).toEqual([false, true, false]));
    tabs[2].stop(); // a waiting tab leaves: nothing changes
    tabs[1].stop();
    await vi.waitFor(() => expect(changes).toEqual(['0:true', '0:false', '1:true', '1:false']));
  });
});

describe('BroadcastElector (no Web Locks)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const options = { heartbeatMs: 1000, timeoutMs: 3000, claimWindowMs: 300 };

  it('elects exactly one leader among tabs that start together: the lowest id', async () => {
    const bus = new ChannelBus();
    const tabs = ['c', 'a', 'b'].map((id) => new BroadcastElector(bus.open('beacon'), options, id));
    tabs.forEach((t) => t.start(() => undefined));
    await vi.advanceTimersByTimeAsync(400);
    expect(tabs.filter((t) => t.isLeader).map((t) => t.id)).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(tabs.filter((t) => t.isLeader).map((t) => t.id)).toEqual(['a']);
    expect(tabs.map((t) => t.knownLeader)).toEqual(['a', 'a', 'a']);
  });

  it('a tab that joins later follows the sitting leader even with a lower id', async () => {
    const bus = new ChannelBus();
    const first = new BroadcastElector(bus.open('beacon'), options, 'm');
    first.start(() => undefined);
    await vi.advanceTimersByTimeAsync(400);
    expect(first.isLeader).toBe(true);
    const late = new BroadcastElector(bus.open('beacon'), options, 'a');
    late.start(() => undefined);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(first.isLeader).toBe(true);
    expect(late.isLeader).toBe(false);
    expect(late.knownLeader).toBe('m');
  });

  it('when the leader resigns (tab closed), another tab takes over within the claim window', async () => {
    const bus = new ChannelBus();
    const tabs = ['a', 'b', 'c'].map((id) => new BroadcastElector(bus.open('beacon'), options, id));
    tabs.forEach((t) => t.start(() => undefined));
    await vi.advanceTimersByTimeAsync(400);
    tabs[0].stop();
    await vi.advanceTimersByTimeAsync(400);
    expect(tabs.filter((t) => t.isLeader).map((t) => t.id)).toEqual(['b']);
  });

  it('when the leader vanishes without a word (crash), followers take over after the timeout', async () => {
    const bus = new ChannelBus();
    const channels = ['a', 'b'].map(() => bus.open('beacon'));
    const tabs = ['a', 'b'].map((id, i) => new BroadcastElector(channels[i], options, id));
    const changes = vi.fn();
    tabs[1].start(changes);
    tabs[0].start(() => undefined);
    await vi.advanceTimersByTimeAsync(400);
    expect(tabs[0].isLeader).toBe(true);
    channels[0].close(); // crashed: no resign, no heartbeats
    await vi.advanceTimersByTimeAsync(2_500);
    expect(tabs[1].isLeader).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(tabs[1].isLeader).toBe(true);
    expect(changes).toHaveBeenCalledWith(true);
  });

  it('two leaders that meet (after a partition) settle on one', async () => {
    const bus = new ChannelBus();
    const a = new BroadcastElector(bus.open('x'), options, 'a');
    const b = new BroadcastElector(bus.open('y'), options, 'b'); // different channel: partitioned
    a.start(() => undefined);
    b.start(() => undefined);
    await vi.advanceTimersByTimeAsync(400);
    expect(a.isLeader && b.isLeader).toBe(true);
    // Heal the partition: b's heartbeats now reach a's channel and vice versa.
    const healed = new BroadcastElector(bus.open('x'), options, 'b');
    b.stop();
    healed.start(() => undefined);
    await vi.advanceTimersByTimeAsync(2_000);
    expect([a.isLeader, healed.isLeader]).toEqual([true, false]);
  });
});

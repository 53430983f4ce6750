/**
 * Leader election between the tabs of one origin: exactly one tab holds the server connection and relays
 * events to the others. With Web Locks the browser does the election (the lock is released when the tab
 * closes or crashes, and the next waiting tab gets it; Chrome also does not freeze a tab that holds a lock).
 * Without Web Locks, tabs elect over BroadcastChannel with heartbeats (see {@link BroadcastElector}).
 */
export interface LeaderElector {
  readonly isLeader: boolean;
  /** Join the election; `onChange` is called whenever this tab gains or loses leadership. */
  start(onChange: (isLeader: boolean) => void): void;
  /** Leave the election (releasing leadership if held). */
  stop(): void;
}

/** The subset of `navigator.locks` used here. */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: (lock: unknown) => Promise<void>): Promise<unknown>;
}

export class LockElector implements LeaderElector {
  private leader = false;
  private release: (() => void) | undefined;
  private abort: AbortController | undefined;
  private onChange: ((isLeader: boolean) => void) | undefined;

  constructor(private readonly locks: LockManagerLike, private readonly name: string) {}

  get isLeader(): boolean {
    return this.leader;
  }

  start(onChange: (isLeader: boolean) => void): void {
    if (this.abort) return;
    this.onChange = onChange;
    const abort = (this.abort = new AbortController());
    this.locks
      .request(this.name, { signal: abort.signal }, () => {
        if (abort.signal.aborted) return Promise.resolve();
        this.leader = true;
        onChange(true);
        return new Promise<void>((resolve) => {
          this.release = resolve;
        });
      })
      .catch(() => undefined) // AbortError when stopped while waiting
      .finally(() => {
        if (this.leader) {
          this.leader = false;
          onChange(false);
        }
      });
  }

  stop(): void {
    this.abort?.abort();
    this.abort = undefined;
    const release = this.release;
    this.release = undefined;
    // Step down before the lock is handed on, so two tabs never both believe they lead.
    if (this.leader) {
      this.leader = false;
      this.onChange?.(false);
    }
    release?.();
  }
}

/** The subset of BroadcastChannel used for election and relay. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

type ElectionMessage =
  | { kind: 'election:heartbeat'; from: string }
  | { kind: 'election:claim'; from: string }
  | { kind: 'election:resign'; from: string };

export interface BroadcastElectorOptions {
  /** How often the leader announces itself (ms, default 1000). */
  heartbeatMs?: number;
  /** Silence after which followers assume the leader is gone (ms, default 3000). */
  timeoutMs?: number;
  /** How long candidates collect rival claims before deciding (ms, default 300). */
  claimWindowMs?: number;
  now?: () => number;
}

/**
 * Election over BroadcastChannel for browsers without Web Locks. The leader sends a heartbeat every
 * `heartbeatMs`; when followers hear none for `timeoutMs` (or the leader resigns on `pagehide`), each claims
 * leadership, waits `claimWindowMs` for rival claims, and the lowest id wins. Two leaders that meet (after a
 * partition) resolve the same way: the one with the higher id resigns.
 */
export class BroadcastElector implements LeaderElector {
  readonly id: string;
  private leader = false;
  private leaderId: string | undefined;
  private lastHeartbeat = 0;
  private claims: Set<string> | undefined;
  private tick: ReturnType<typeof setInterval> | undefined;
  private claimTimer: ReturnType<typeof setTimeout> | undefined;
  private onChange: ((isLeader: boolean) => void) | undefined;
  private readonly heartbeatMs: number;
  private readonly timeoutMs: number;
  private readonly claimWindowMs: number;
  private readonly now: () => number;
  private readonly listener = (event: MessageEvent) => this.receive(event.data as ElectionMessage);

  constructor(private readonly channel: ChannelLike, options: BroadcastElectorOptions = {}, id?: string) {
    this.id = id ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.claimWindowMs = options.claimWindowMs ?? 300;
    this.now = options.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** The leader this tab knows of (itself when leading). */
  get knownLeader(): string | undefined {
    return this.leader ? this.id : this.leaderId;
  }

  start(onChange: (isLeader: boolean) => void): void {
    if (this.tick) return;
    this.onChange = onChange;
    this.channel.addEventListener('message', this.listener);
    this.lastHeartbeat = this.now();
    this.tick = setInterval(() => this.onTick(), this.heartbeatMs);
    // Claim at once: a sitting leader answers a claim with a heartbeat within the claim window.
    this.claim();
  }

  stop(): void {
    clearInterval(this.tick);
    clearTimeout(this.claimTimer);
    this.tick = undefined;
    this.claims = undefined;
    this.channel.removeEventListener('message', this.listener);
    if (this.leader) {
      this.channel.postMessage({ kind: 'election:resign', from: this.id } satisfies ElectionMessage);
      this.setLeader(false);
    }
  }

  private onTick(): void {
    if (this.leader) {
      this.channel.postMessage({ kind: 'election:heartbeat', from: this.id } satisfies ElectionMessage);
      return;
    }
    if (!this.claims && this.now() - this.lastHeartbeat >= this.timeoutMs) this.claim();
  }

  private claim(): Set<string> {
    const claims = (this.claims = new Set([this.id]));
    this.channel.postMessage({ kind: 'election:claim', from: this.id } satisfies ElectionMessage);
    clearTimeout(this.claimTimer);
    this.claimTimer = setTimeout(() => this.decide(), this.claimWindowMs);
    return claims;
  }

  private decide(): void {
    const claims = this.claims;
    this.claims = undefined;
    if (!claims || !this.tick) return;
    // A heartbeat during the window means someone already leads.
    if (this.now() - this.lastHeartbeat < this.claimWindowMs && this.leaderId) return;
    const winner = [...claims].sort()[0];
    if (winner === this.id) {
      this.setLeader(true);
      this.channel.postMessage({ kind: 'election:heartbeat', from: this.id } satisfies ElectionMessage);
    } else {
      this.leaderId = winner;
      this.lastHeartbeat = this.now(); // give the winner one timeout to start beating
    }
  }

  private receive(message: ElectionMessage): void {
    if (!message || typeof message !== 'object' || message.from === this.id) return;
    switch (message.kind) {
      case 'election:heartbeat':
        if (this.leader) {
          if (message.from < this.id) this.setLeader(false); // two leaders: the lower id keeps it
          else return;
        }
        this.leaderId = message.from;
        this.lastHeartbeat = this.now();
        this.claims = undefined;
        clearTimeout(this.claimTimer);
        break;
      case 'election:claim':
        if (this.leader) {
          // Remind the claimant that there is a leader.
          this.channel.postMessage({ kind: 'election:heartbeat', from: this.id } satisfies ElectionMessage);
        } else if (this.claims) {
          this.claims.add(message.from);
        } else if (this.now() - this.lastHeartbeat >= this.timeoutMs || !this.leaderId) {
          this.claim().add(message.from);
        }
        break;
      case 'election:resign':
        if (message.from === this.leaderId) {
          this.leaderId = undefined;
          if (!this.claims) this.claim();
        }
        break;
    }
  }

  private setLeader(value: boolean): void {
    if (this.leader === value) return;
    this.leader = value;
    if (value) this.leaderId = this.id;
    else if (this.leaderId === this.id) this.leaderId = undefined;
    this.onChange?.(value);
  }
}

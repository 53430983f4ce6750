import type { TransportKind } from './events';

export interface FallbackOptions {
  /** Transports in order of preference; unsupported ones are left out by the client. */
  order: TransportKind[];
  /** Consecutive attempts that never delivered `connected` before moving to the next transport. */
  failuresBeforeFallback: number;
  /** Drops of an established connection within {@link dropWindowMs} before moving on ("keeps dropping"). */
  dropsBeforeFallback: number;
  dropWindowMs: number;
  /** A connection that lived this long counts as stable: its drop is not held against the transport. */
  stableAfterMs: number;
  /** While on a fallback, try the preferred transport again this often. 0 disables upgrades. */
  upgradeIntervalMs: number;
}

export const DEFAULT_FALLBACK: FallbackOptions = {
  order: ['sse', 'ws', 'poll'],
  failuresBeforeFallback: 2,
  dropsBeforeFallback: 3,
  dropWindowMs: 60_000,
  stableAfterMs: 15_000,
  upgradeIntervalMs: 60_000,
};

export type FallbackDecision =
  | { action: 'retry'; transport: TransportKind }
  | { action: 'fallback'; from: TransportKind; transport: TransportKind; reason: string }
  | { action: 'revert'; from: TransportKind; transport: TransportKind };

/**
 * Decides which transport the next attempt uses. Pure bookkeeping (no timers, no I/O), so the decisions are
 * unit-tested on their own: SSE → WebSocket → long-poll when a transport fails to deliver `connected` or keeps
 * dropping, and back up to the preferred transport every {@link FallbackOptions.upgradeIntervalMs}.
 * The last transport in the order is never given up on.
 */
export class TransportPolicy {
  private index = 0;
  private failures = 0;
  private drops: number[] = [];
  private connectedAt: number | undefined;
  private onFallbackSince: number | undefined;
  /** Set while probing a better transport: where to go back to if the probe fails. */
  private probeFrom: number | undefined;

  readonly options: FallbackOptions;

  constructor(options: Partial<FallbackOptions> = {}, private readonly now: () => number = Date.now) {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<FallbackOptions>;
    this.options = { ...DEFAULT_FALLBACK, ...given };
    if (this.options.order.length === 0) throw new Error('At least one transport is needed.');
  }

  get current(): TransportKind {
    return this.options.order[this.index];
  }

  get isFallback(): boolean {
    return this.index > 0;
  }

  get isProbing(): boolean {
    return this.probeFrom !== undefined;
  }

  /** The current transport delivered `connected`. */
  connected(): void {
    this.connectedAt = this.now();
    this.failures = 0;
    this.probeFrom = undefined;
    if (this.index > 0 && this.onFallbackSince === undefined) this.onFallbackSince = this.now();
    if (this.index === 0) this.onFallbackSince = undefined;
  }

  /**
   * The current attempt ended: either it never delivered `connected` (`wasConnected` false) or an
   * established connection dropped. Returns what to do next.
   */
  failed(wasConnected: boolean): FallbackDecision {
    const from = this.current;
    const now = this.now();
    if (!wasConnected) {
      if (this.probeFrom !== undefined) {
        // The upgrade probe failed: back to the transport that worked, at once.
        this.index = this.probeFrom;
        this.probeFrom = undefined;
        this.failures = 0;
        this.onFallbackSince = now;
        return { action: 'revert', from, transport: this.current };
      }
      this.failures++;
      if (this.failures >= this.options.failuresBeforeFallback && this.moveOn()) {
        return { action: 'fallback', from, transport: this.current, reason: `no 'connected' after ${this.options.failuresBeforeFallback} attempts` };
      }
      return { action: 'retry', transport: this.current };
    }

    const lived = this.connectedAt === undefined ? 0 : now - this.connectedAt;
    this.connectedAt = undefined;
    if (lived >= this.options.stableAfterMs) {
      this.drops = [];
      return { action: 'retry', transport: this.current };
    }
    this.drops = [...this.drops.filter((t) => now - t < this.options.dropWindowMs), now];
    if (this.drops.length >= this.options.dropsBeforeFallback && this.moveOn()) {
      return { action: 'fallback', from, transport: this.current, reason: `dropped ${this.options.dropsBeforeFallback} times within ${this.options.dropWindowMs / 1000} s` };
    }
    return { action: 'retry', transport: this.current };
  }

  /** Whether it is time to try the preferred transport again (only while connected on a fallback). */
  shouldUpgrade(): boolean {
    return this.index > 0
      && this.options.upgradeIntervalMs > 0
      && this.onFallbackSince !== undefined
      && this.connectedAt !== undefined
      && this.now() - this.onFallbackSince >= this.options.upgradeIntervalMs;
  }

  /** The transport the client would rather use: the first in the order. */
  get preferred(): TransportKind {
    return this.options.order[0];
  }

  /**
   * A probe of the preferred transport, opened beside the fallback, delivered `connected` and replaces it
   * (make before break; {@link connected} follows).
   */
  upgraded(): TransportKind {
    this.index = 0;
    this.failures = 0;
    this.drops = [];
    this.connectedAt = undefined;
    this.probeFrom = undefined;
    return this.current;
  }

  /** A probe of the preferred transport, opened beside the fallback, failed: stay, and probe again after another interval. */
  probeFailed(): void {
    if (this.index > 0) this.onFallbackSince = this.now();
  }

  /**
   * Switches to the preferred transport as a probe; a failed probe reverts at once (see {@link failed}). Break before
   * make: the client itself now probes beside the fallback ({@link upgraded}, {@link probeFailed}).
   */
  upgrade(): TransportKind {
    this.probeFrom = this.index;
    this.index = 0;
    this.failures = 0;
    this.drops = [];
    this.connectedAt = undefined;
    return this.current;
  }

  /** Forget everything (e.g. an explicit reconnect by the user after going online). */
  reset(): void {
    this.index = 0;
    this.failures = 0;
    this.drops = [];
    this.connectedAt = undefined;
    this.onFallbackSince = undefined;
    this.probeFrom = undefined;
  }

  private moveOn(): boolean {
    if (this.index >= this.options.order.length - 1) return false;
    this.index++;
    this.failures = 0;
    this.drops = [];
    this.onFallbackSince = undefined;
    return true;
  }
}

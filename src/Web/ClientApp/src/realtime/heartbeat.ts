/**
 * Detects a silent stream: frozen background tabs, sleeping laptops and half-open TCP connections drop a
 * stream without any error event. Every `ping` (or any other frame) calls {@link beat}; when nothing has
 * arrived for `factor` × the server's heartbeat interval, `onSilence` fires once.
 */
export class HeartbeatMonitor {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private intervalMs = 0;
  private lastBeat = 0;

  constructor(
    private readonly onSilence: (silentForMs: number) => void,
    private readonly factor = 2,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts watching with the server's interval (the `heartbeatSeconds` of `connected`). */
  start(heartbeatSeconds: number): void {
    this.intervalMs = Math.max(1, heartbeatSeconds) * 1000;
    this.beat();
  }

  /** Something arrived: the stream is alive. */
  beat(): void {
    this.lastBeat = this.now();
    if (this.intervalMs === 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.expire(), this.timeoutMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.intervalMs = 0;
  }

  get running(): boolean {
    return this.intervalMs > 0;
  }

  /** The silence that counts as a dead stream. */
  get timeoutMs(): number {
    return this.intervalMs * this.factor;
  }

  /** How long since the last frame. */
  silentForMs(): number {
    return this.lastBeat === 0 ? 0 : this.now() - this.lastBeat;
  }

  /**
   * Whether the stream has been quiet for longer than one heartbeat interval (plus `graceMs`). Used when
   * the page wakes up (visibilitychange, resume, online): a frozen tab's timers did not run, so the
   * regular timeout may not have fired although the stream died long ago.
   */
  isStale(graceMs = 1000): boolean {
    return this.running && this.silentForMs() > this.intervalMs + graceMs;
  }

  private expire(): void {
    const silent = this.silentForMs();
    if (silent < this.timeoutMs) {
      // A late timer after a beat we did not see re-arm (clock jumps): check again later.
      this.timer = setTimeout(() => this.expire(), this.timeoutMs - silent);
      return;
    }
    this.stop();
    this.onSilence(silent);
  }
}

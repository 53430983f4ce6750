/** Whether the user is here: `online` while active and visible, `idle` after a quiet spell or while hidden. */
export type Activity = 'online' | 'idle';

export interface IdleTrackerOptions {
  /** Quiet time before idle (default 60 s). */
  timeoutMs?: number;
  /** Called on every change (not on repeats). */
  onChange: (activity: Activity) => void;
}

/**
 * The idle state machine, without the DOM: call `activity()` on input, `visibility(hidden)` when the tab is
 * hidden or shown. Reports only changes, so a caller can send each one to the server as it comes.
 */
export function createIdleTracker({ timeoutMs = 60_000, onChange }: IdleTrackerOptions) {
  let state: Activity = 'online';
  let hidden = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const set = (next: Activity) => {
    if (next === state) return;
    state = next;
    onChange(next);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => set('idle'), timeoutMs);
  };
  arm();

  return {
    get state() {
      return state;
    },
    /** The user did something (key, pointer, scroll). */
    activity() {
      if (hidden) return;
      set('online');
      arm();
    },
    /** The tab was hidden (`true`) or shown again (`false`). */
    visibility(isHidden: boolean) {
      hidden = isHidden;
      if (isHidden) {
        clearTimeout(timer);
        set('idle');
      } else {
        set('online');
        arm();
      }
    },
    dispose() {
      clearTimeout(timer);
    },
  };
}

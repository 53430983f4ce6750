import type { ConnectionStatus, TransportKind } from '../realtime';
import { useBeacon } from '../react/BeaconProvider';

export const TRANSPORT_LABELS: Record<TransportKind, string> = { sse: 'SSE', ws: 'WebSocket', poll: 'Long-poll' };

/** The connection state in words, e.g. "Connected · SSE", "Reconnecting… (attempt 2)". */
export function describeStatus(status: ConnectionStatus): string {
  switch (status.state) {
    case 'connected':
      return `Connected · ${status.transport ? TRANSPORT_LABELS[status.transport] : ''}`;
    case 'reconnecting':
      return status.attempts > 0 ? `Reconnecting… (attempt ${status.attempts})` : 'Reconnecting…';
    case 'failed':
      // Retries go on after the fast attempts, at most maxReconnectInterval apart (not at a fixed 30 s any more);
      // a refusal retrying cannot change (400/403), or slowRetryInterval 0, leaves none scheduled.
      return status.nextRetryAt !== undefined ? 'Offline — still retrying' : 'Offline';
    case 'closed':
      return 'Disconnected';
    default:
      return 'Connecting…';
  }
}

/** Always-visible connection state (a polite live region, so screen readers hear changes). */
export function ConnectionBadge() {
  const { status } = useBeacon();
  const shared = status.isLeader === false && status.state === 'connected';
  return (
    <div className="conn" role="status" aria-live="polite" data-state={status.state} data-transport={status.transport ?? ''} data-testid="connection-state"
      title={status.error ?? undefined}>
      <span className="dot" aria-hidden="true" />
      <span>{describeStatus(status)}</span>
      {shared && <span className="muted"> (shared tab)</span>}
    </div>
  );
}

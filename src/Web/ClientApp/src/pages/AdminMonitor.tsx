import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, describeError } from '../api';
import { useAuth } from '../auth';
import { HangfireLink } from '../components/HangfireLink';
import { ErrorNotice, Forbidden, SignInNeeded } from '../components/Notice';
import { useBeacon } from '../react/BeaconProvider';

interface MonitorSnapshot {
  handler: string;
  instanceId: string;
  local: { connections: number; uniqueUsers: number };
  global: { connections: number; uniqueUsers: number };
  nodes: Array<{ nodeId: string; connections: number; startedAt: string; lastHeartbeat: string; eventsSent: number; slowConsumerDisconnects: number }>;
  users: { total: number; page: number; pageSize: number; items: Array<{ userId: string; connections: number }> };
  totals: { eventsPublished: number; eventsSent: number; slowConsumerDisconnects: number };
}

/** The admin SSE monitor: `GET /api/admin/sse-monitor` with auto-refresh, per-node and per-user tables, and disconnecting a client or a user. */
export function AdminMonitor() {
  const auth = useAuth();
  const { status } = useBeacon();
  const [snapshot, setSnapshot] = useState<MonitorSnapshot | null>(null);
  const [denied, setDenied] = useState<401 | 403 | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [auto, setAuto] = useState(true);
  const [interval, setIntervalMs] = useState(2000);
  const [page, setPage] = useState(1);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [clientId, setClientId] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const next = await api<MonitorSnapshot>(`/api/admin/sse-monitor?page=${page}&pageSize=20`);
      setSnapshot(next);
      setDenied(null);
      setError(null);
      setUpdatedAt(new Date());
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setDenied(e.status);
      else setError(describeError(e));
    }
  }, [page]);

  useEffect(() => {
    void load();
    if (!auto) return;
    const timer = setInterval(() => void load(), interval);
    return () => clearInterval(timer);
  }, [load, auto, interval, auth?.token]);

  const disconnectClient = async (id: string) => {
    try {
      await api(`/api/sse/clients/${encodeURIComponent(id)}`, { method: 'DELETE' });
      setMessage(`Client ${id} was disconnected (it may reconnect).`);
      void load();
    } catch (e) {
      setMessage(describeError(e));
    }
  };

  const disconnectUser = async (userId: string) => {
    try {
      const ended = await api<{ userId: string; connections: number }>(`/api/sse/users/${encodeURIComponent(userId)}`, { method: 'DELETE' });
      setMessage(`Ended ${ended.connections} stream(s) of ${userId} on every node (its clients may reconnect).`);
      void load();
    } catch (e) {
      setMessage(describeError(e));
    }
  };

  if (!auth || denied === 401) return <><h1>SSE monitor</h1><SignInNeeded what="The SSE monitor" /></>;
  if (denied === 403) return <><h1>SSE monitor</h1><Forbidden role="admin" what="The SSE monitor" /></>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (clientId.trim()) void disconnectClient(clientId.trim());
  };

  return (
    <>
      <div className="row spread">
        <h1>SSE monitor</h1>
        <HangfireLink>Hangfire dashboard ↗</HangfireLink>
      </div>
      <ErrorNotice error={error} />
      <div className="row toolbar">
        <label><input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> Auto-refresh</label>
        <label>every <select value={interval} onChange={(e) => setIntervalMs(Number(e.target.value))}>
          <option value={1000}>1 s</option><option value={2000}>2 s</option><option value={5000}>5 s</option><option value={10000}>10 s</option>
        </select></label>
        <button type="button" className="secondary small" onClick={() => void load()}>Refresh now</button>
        <span className="muted" aria-live="polite">{updatedAt ? `Updated ${updatedAt.toLocaleTimeString()}` : 'Loading…'}</span>
      </div>
      {snapshot && (
        <>
          <section className="stats" aria-label="Totals">
            <Stat label="Global connections" value={snapshot.global.connections} testId="global-connections" />
            <Stat label="Global unique users" value={snapshot.global.uniqueUsers} testId="global-users" />
            <Stat label={`Connections on ${snapshot.instanceId}`} value={snapshot.local.connections} testId="local-connections" />
            <Stat label="Events published" value={snapshot.totals.eventsPublished} />
            <Stat label="Events sent" value={snapshot.totals.eventsSent} />
            <Stat label="Slow consumers cut" value={snapshot.totals.slowConsumerDisconnects} />
          </section>
          <p className="muted">Handler: <strong>{snapshot.handler}</strong> · this page is served by <strong>{snapshot.instanceId}</strong></p>
          <section className="card" aria-labelledby="nodes-title">
            <h2 id="nodes-title">Nodes ({snapshot.nodes.length})</h2>
            <table data-testid="nodes-table">
              <thead><tr><th scope="col">Node</th><th scope="col">Connections</th><th scope="col">Events sent</th><th scope="col">Slow consumers</th><th scope="col">Started</th><th scope="col">Last heartbeat</th></tr></thead>
              <tbody>
                {snapshot.nodes.map((n) => (
                  <tr key={n.nodeId}>
                    <th scope="row">{n.nodeId}{n.nodeId === snapshot.instanceId ? ' (this)' : ''}</th>
                    <td>{n.connections}</td><td>{n.eventsSent}</td><td>{n.slowConsumerDisconnects}</td>
                    <td>{new Date(n.startedAt).toLocaleTimeString()}</td><td>{new Date(n.lastHeartbeat).toLocaleTimeString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="users-title">
            <h2 id="users-title">Users ({snapshot.users.total})</h2>
            {snapshot.users.items.length === 0 ? <p className="muted">Nobody is connected.</p> : (
              <table data-testid="users-table">
                <thead><tr><th scope="col">User</th><th scope="col">Connections</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
                <tbody>{snapshot.users.items.map((u) => (
                  <tr key={u.userId} data-user={u.userId}>
                    <th scope="row">{u.userId}</th><td>{u.connections}</td>
                    <td><button type="button" className="small danger" aria-label={`Disconnect ${u.userId} everywhere`} onClick={() => void disconnectUser(u.userId)}>Disconnect</button></td>
                  </tr>
                ))}</tbody>
              </table>
            )}
            <div className="row">
              <button type="button" className="secondary small" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>Previous</button>
              <span>Page {snapshot.users.page} of {Math.max(1, Math.ceil(snapshot.users.total / snapshot.users.pageSize))}</span>
              <button type="button" className="secondary small" disabled={page * snapshot.users.pageSize >= snapshot.users.total} onClick={() => setPage((p) => p + 1)}>Next</button>
            </div>
          </section>
        </>
      )}
      <section className="card" aria-labelledby="disconnect-title">
        <h2 id="disconnect-title">Disconnect a client</h2>
        <form className="row" onSubmit={submit}>
          <label>Client id<input value={clientId} onChange={(e) => setClientId(e.target.value)} placeholder="from a connected event" /></label>
          <button type="submit" className="danger" disabled={!clientId.trim()}>Disconnect</button>
        </form>
        {status.clientId && (
          <p>This browser's connection is <code>{status.clientId}</code>{' '}
            <button type="button" className="small secondary" onClick={() => void disconnectClient(status.clientId!)}>Disconnect it</button></p>
        )}
        {message && <p role="status">{message}</p>}
      </section>
    </>
  );
}

function Stat({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <div className="stat">
      <span className="stat-value" data-testid={testId}>{value}</span>
      <span className="stat-label">{label}</span>
    </div>
  );
}

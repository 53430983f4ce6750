import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, describeError } from '../api';
import { guestId, hasRole, useAuth } from '../auth';
import { describeStatus, TRANSPORT_LABELS } from '../components/ConnectionBadge';
import { ErrorNotice } from '../components/Notice';
import type { BeaconEvent } from '../realtime';
import { useBeacon } from '../react/BeaconProvider';

interface LogEntry extends BeaconEvent {
  cached?: boolean;
}

const MAX_LOG = 500;

/** The SSE demo: connect/disconnect, send the demo events, publish your own, and watch every event arrive. */
export function SseDemo() {
  const auth = useAuth();
  const { status, connect, disconnect, client, cache, isConnected, reconnectAttempts } = useBeacon();
  const [log, setLog] = useState<LogEntry[]>(() => (cache?.query({ limit: 100 }) ?? []).map((e) => ({ ...e, cached: true })).reverse());
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  useEffect(() => client.on('*', (event) => {
    if (event.type === 'ping' || event.type === 'heartbeat') return;
    setLog((entries) => {
      if (event.id !== undefined && entries.some((e) => e.id === event.id && !e.cached)) return entries;
      return [event, ...entries.filter((e) => !(e.cached && e.id === event.id && event.id !== undefined))].slice(0, MAX_LOG);
    });
  }), [client]);

  const types = useMemo(() => [...new Set(log.map((e) => e.type))].sort(), [log]);
  const shown = filter ? log.filter((e) => e.type === filter) : log;
  const live = log.filter((e) => !e.cached && e.id !== undefined).length;

  const sendDemo = async () => {
    setSending(true);
    try {
      await api('/api/sse/demo', { body: auth ? {} : { userId: guestId(), clientId: status.clientId } });
      setError(null);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <h1>SSE demo</h1>
      <p className="lead">
        One connection to <code>/api/sse</code> for all tabs of this browser (falling back to <code>/api/ws</code> and
        <code> /api/events</code> long-polling when SSE cannot get through). Events render from the local cache at once
        after a reload.
      </p>
      <ErrorNotice error={error} />
      <section className="card" aria-labelledby="conn-title">
        <h2 id="conn-title">Connection</h2>
        <dl className="facts" data-testid="connection-facts">
          <div><dt>State</dt><dd data-testid="demo-state">{describeStatus(status)}</dd></div>
          <div><dt>Transport</dt><dd data-testid="demo-transport">{status.transport ? TRANSPORT_LABELS[status.transport] : '—'}</dd></div>
          <div><dt>User</dt><dd>{auth?.userId ?? `${guestId()} (anonymous demo mode)`}</dd></div>
          <div><dt>Client id</dt><dd><code data-testid="client-id">{status.clientId ?? '—'}</code></dd></div>
          <div><dt>Node</dt><dd>{status.nodeId ?? '—'}</dd></div>
          <div><dt>Last event id</dt><dd><code data-testid="last-event-id">{client.lastEventId ?? '—'}</code></dd></div>
          <div><dt>This tab</dt><dd data-testid="tab-role">{status.isLeader === undefined ? 'own connection' : status.isLeader ? 'holds the shared connection' : 'uses the connection of another tab'}</dd></div>
          <div><dt>Reconnect attempts</dt><dd>{reconnectAttempts}</dd></div>
          {status.error && <div><dt>Last error</dt><dd className="error-text">{status.error}</dd></div>}
        </dl>
        <div className="row">
          <button type="button" onClick={connect} disabled={status.state !== 'closed' && status.state !== 'idle' && status.state !== 'failed'}>Connect</button>
          <button type="button" className="secondary" onClick={disconnect} disabled={status.state === 'closed'}>Disconnect</button>
          <button type="button" onClick={() => void sendDemo()} disabled={!isConnected || sending}>Send demo events</button>
        </div>
      </section>

      {hasRole(auth, 'publisher') && <PublishForm onError={setError} />}

      <section className="card" aria-labelledby="log-title">
        <div className="row spread">
          <h2 id="log-title">Events (<span data-testid="event-count">{live}</span>)</h2>
          <div className="row">
            <label>Type <select value={filter} onChange={(e) => setFilter(e.target.value)}>
              <option value="">all</option>
              {types.map((t) => <option key={t} value={t}>{t}</option>)}
            </select></label>
            <button type="button" className="secondary small" onClick={() => { setLog([]); cache?.clear(); }}>Clear</button>
          </div>
        </div>
        {shown.length === 0 ? <p className="muted">No events yet. Send the demo events.</p> : (
          <ol className="log" aria-label="Event log" data-testid="event-log">
            {shown.map((e, i) => (
              <li key={e.id ?? `${e.type}-${e.receivedAt}-${i}`} data-id={e.id ?? ''} data-type={e.type} className={e.cached ? 'cached' : undefined}>
                <time>{new Date(e.receivedAt).toLocaleTimeString()}</time>
                <span className="type">{e.type}</span>
                <span className="id">{e.id ?? ''}{e.cached ? ' (cached)' : ''}</span>
                <code className="data">{JSON.stringify(e.data)}</code>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

function PublishForm({ onError }: { onError: (error: string | null) => void }) {
  const auth = useAuth();
  const [type, setType] = useState('notification');
  const [data, setData] = useState('{"title":"Hello","message":"From the demo page"}');
  const [audience, setAudience] = useState('me');
  const [topic, setTopic] = useState('news');
  const [result, setResult] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const body = {
        type,
        data: JSON.parse(data),
        audience: audience === 'all' ? { all: true } : audience === 'topic' ? { topics: [topic] } : { users: [auth!.userId] },
      };
      const accepted = await api<{ id: string }>('/api/events', { body });
      setResult(`Accepted as ${accepted.id}`);
      onError(null);
    } catch (error) {
      onError(error instanceof SyntaxError ? `The data is not valid JSON: ${error.message}` : describeError(error));
    }
  };

  return (
    <section className="card" aria-labelledby="publish-title">
      <h2 id="publish-title">Publish an event</h2>
      <form className="grid-form" onSubmit={(e) => void submit(e)}>
        <label>Type<input value={type} onChange={(e) => setType(e.target.value)} required pattern="[a-z0-9_.:\-]{1,64}" /></label>
        <label>Audience<select value={audience} onChange={(e) => setAudience(e.target.value)}>
          <option value="me">me ({auth?.userId})</option>
          <option value="all">everyone</option>
          <option value="topic">a topic</option>
        </select></label>
        {audience === 'topic' && <label>Topic<input value={topic} onChange={(e) => setTopic(e.target.value)} required /></label>}
        <label className="wide">Data (JSON)<textarea value={data} onChange={(e) => setData(e.target.value)} rows={3} /></label>
        <div className="row"><button type="submit">Publish</button>{result && <span className="muted" role="status">{result}</span>}</div>
      </form>
    </section>
  );
}

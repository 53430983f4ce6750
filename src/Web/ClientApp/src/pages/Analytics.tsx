import { hasRole, useAuth } from '../auth';
import { ModuleUnavailable } from '../components/Notice';
import { useLiveVisitors } from '../react/hooks';

/** Live analytics: visitors right now, metrics as `metrics_update` events change them, and (admins) top paths. */
export function Analytics() {
  const auth = useAuth();
  const isAdmin = !!auth && hasRole(auth, 'admin');
  const { visitors, metrics, snapshot, available } = useLiveVisitors(isAdmin);
  const entries = Object.entries(metrics).sort(([a], [b]) => a.localeCompare(b));
  return (
    <>
      <h1>Live analytics</h1>
      {available === false && <ModuleUnavailable name="The analytics module" route="/api/analytics/live">Metrics published as <code>metrics_update</code> events still appear below.</ModuleUnavailable>}
      <section className="stats" aria-label="Visitors">
        <div className="stat"><span className="stat-value" data-testid="visitors" aria-live="polite">{visitors ?? '—'}</span><span className="stat-label">visitors in the last 5 minutes</span></div>
        {snapshot && (
          <>
            <div className="stat"><span className="stat-value" data-testid="views-minute">{snapshot.pageViews.lastMinute}</span><span className="stat-label">page views, last minute</span></div>
            <div className="stat"><span className="stat-value" data-testid="views-total">{snapshot.pageViews.total}</span><span className="stat-label">page views in all</span></div>
          </>
        )}
      </section>
      {snapshot && (
        <section className="card" aria-labelledby="paths-title">
          <h2 id="paths-title">Top paths (last {Math.round(snapshot.windowSeconds / 60)} minutes)</h2>
          {snapshot.topPaths.length === 0 ? <p className="muted">No page views yet.</p> : (
            <table data-testid="top-paths">
              <thead><tr><th scope="col">Path</th><th scope="col">Views</th></tr></thead>
              <tbody>{snapshot.topPaths.map((p) => <tr key={p.path}><th scope="row"><code>{p.path}</code></th><td>{p.views}</td></tr>)}</tbody>
            </table>
          )}
        </section>
      )}
      <section className="card" aria-labelledby="metrics-title">
        <h2 id="metrics-title">Metrics</h2>
        {entries.length === 0 ? <p className="muted">No metrics yet.</p> : (
          <table data-testid="metrics-table">
            <thead><tr><th scope="col">Metric</th><th scope="col">Value</th><th scope="col">Change</th><th scope="col">Updated</th></tr></thead>
            <tbody>
              {entries.map(([name, m]) => (
                <tr key={name} data-metric={name}>
                  <th scope="row">{name}</th>
                  <td>{String(m.value)}</td>
                  <td className={m.change === null ? '' : m.change >= 0 ? 'up' : 'down'}>{m.change === null ? '—' : `${m.change >= 0 ? '▲' : '▼'} ${Math.abs(m.change)}`}</td>
                  <td>{new Date(m.at).toLocaleTimeString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

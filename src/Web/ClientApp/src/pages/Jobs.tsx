import { useState, type FormEvent } from 'react';
import { hasRole, useAuth } from '../auth';
import { HangfireLink } from '../components/HangfireLink';
import { ErrorNotice, ModuleUnavailable, SignInNeeded } from '../components/Notice';
import { isFinished, useJobProgress, useJobs, type Job } from '../react/hooks';

/** Background jobs (Hangfire): start one, watch its progress bar move, see the result, cancel it. */
export function Jobs() {
  const auth = useAuth();
  const { jobs, available, error, start, cancel } = useJobs();
  const [type, setType] = useState<'import' | 'report'>('import');
  const [items, setItems] = useState(20);
  const [delayMs, setDelayMs] = useState(100);
  const [failAt, setFailAt] = useState('');

  if (!auth) return <><h1>Jobs</h1><SignInNeeded what="Jobs" /></>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void start({ type, items, delayMs, failAtItem: failAt ? Number(failAt) : null });
  };

  return (
    <>
      <div className="row spread">
        <h1>Jobs</h1>
        {hasRole(auth, 'admin') && <HangfireLink>Hangfire dashboard ↗</HangfireLink>}
      </div>
      {available === false && <ModuleUnavailable name="The jobs module" route="/api/jobs" />}
      <ErrorNotice error={error} />
      <form className="card row" onSubmit={submit} aria-label="Start a job">
        <label>Job<select value={type} onChange={(e) => setType(e.target.value as 'import' | 'report')}>
          <option value="import">import</option>
          <option value="report">report</option>
        </select></label>
        <label>Items<input type="number" min={1} max={10000} value={items} onChange={(e) => setItems(Number(e.target.value))} /></label>
        <label>Delay per item (ms)<input type="number" min={0} max={10000} value={delayMs} onChange={(e) => setDelayMs(Number(e.target.value))} /></label>
        <label>Fail at item<input type="number" min={1} max={items} value={failAt} placeholder="never" onChange={(e) => setFailAt(e.target.value)} /></label>
        <button type="submit" disabled={available === false}>Start job</button>
      </form>
      <section className="card" aria-labelledby="jobs-title">
        <h2 id="jobs-title">Your jobs</h2>
        {jobs.length === 0 ? <p className="muted">No jobs yet.</p> : <ul className="jobs" data-testid="jobs-list">{jobs.map((job) => <JobRow key={job.id} job={job} onCancel={cancel} />)}</ul>}
      </section>
    </>
  );
}

function JobRow({ job, onCancel }: { job: Job; onCancel: (id: string) => Promise<void> }) {
  const live = useJobProgress(job.id, { percent: job.percent, message: job.message, status: job.status, result: job.result, error: job.error });
  return (
    <li data-job={job.id} data-status={live.status}>
      <div className="row spread">
        <strong>{job.type} · {job.items} items <code>{job.id.slice(-8)}</code></strong>
        <span className="row">
          <span className={`status status-${live.status}`}>{live.status}</span>
          {!isFinished(live.status) && <button type="button" className="small" onClick={() => void onCancel(job.id)} aria-label={`Cancel job ${job.id}`}>Cancel</button>}
        </span>
      </div>
      <div className="progress" role="progressbar" aria-label={`Progress of job ${job.id}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={live.percent}>
        <div className="bar" style={{ width: `${live.percent}%` }} />
      </div>
      <p className="muted">{live.percent}%{live.message ? ` · ${live.message}` : ''}</p>
      {live.error && <p className="error" role="alert" data-testid="job-error">{live.error}</p>}
      {live.result != null && <pre className="result" data-testid="job-result">{JSON.stringify(live.result, null, 2)}</pre>}
    </li>
  );
}

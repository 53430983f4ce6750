import { useState, type FormEvent } from 'react';
import { hangfireHref, hasRole, useAuth } from '../auth';
import { ErrorNotice, ModuleUnavailable, SignInNeeded } from '../components/Notice';
import { useJobProgress, useJobs, type JobSummary } from '../react/hooks';

/** Background jobs (Hangfire): start one, watch its progress bar move, see the result. */
export function Jobs() {
  const auth = useAuth();
  const { jobs, available, error, start } = useJobs();
  const [type, setType] = useState('demo');
  const [steps, setSteps] = useState(10);

  if (!auth) return <><h1>Jobs</h1><SignInNeeded what="Jobs" /></>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void start({ type, steps });
  };

  return (
    <>
      <div className="row spread">
        <h1>Jobs</h1>
        {hasRole(auth, 'admin') && <a href={hangfireHref(auth)} target="_blank" rel="noreferrer">Hangfire dashboard ↗</a>}
      </div>
      {available === false && <ModuleUnavailable name="The jobs module" route="/api/jobs" />}
      <ErrorNotice error={error} />
      <form className="card row" onSubmit={submit} aria-label="Start a job">
        <label>Job<select value={type} onChange={(e) => setType(e.target.value)}>
          <option value="demo">demo (counts to 100)</option>
          <option value="report">report</option>
          <option value="fail">fail (to see an error)</option>
        </select></label>
        <label>Steps<input type="number" min={1} max={100} value={steps} onChange={(e) => setSteps(Number(e.target.value))} /></label>
        <button type="submit" disabled={available === false}>Start job</button>
      </form>
      <section className="card" aria-labelledby="jobs-title">
        <h2 id="jobs-title">Your jobs</h2>
        {jobs.length === 0 ? <p className="muted">No jobs yet.</p> : <ul className="jobs" data-testid="jobs-list">{jobs.map((job) => <JobRow key={job.id} job={job} />)}</ul>}
      </section>
    </>
  );
}

function JobRow({ job }: { job: JobSummary }) {
  const live = useJobProgress(job.id, { progress: job.progress ?? null, message: job.message ?? null, status: job.status });
  const percent = Math.round(live.progress ?? 0);
  return (
    <li data-job={job.id} data-status={live.status}>
      <div className="row spread">
        <strong>{job.name ?? job.type ?? 'job'} <code>{job.id.slice(0, 8)}</code></strong>
        <span className={`status status-${live.status}`}>{live.status}</span>
      </div>
      <div className="progress" role="progressbar" aria-label={`Progress of job ${job.id}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className="bar" style={{ width: `${percent}%` }} />
      </div>
      <p className="muted">{percent}%{live.message ? ` · ${live.message}` : ''}</p>
      {live.details && <pre className="result" data-testid="job-result">{JSON.stringify(live.details, null, 2)}</pre>}
    </li>
  );
}

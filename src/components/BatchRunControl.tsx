import * as React from 'react';

import { IBatchActions } from '../actions';
import { ApiError } from '../api';
import { duration, IBatchJob, isActive } from '../batch';
import { mlflowRunUrl } from '../format';
import { ErrorMessage } from './ErrorMessage';

/** How often an active job is asked for its status. */
export const POLL_MS = 1000;
/** Jobs the panel shows, newest first. */
const SHOWN = 3;

/**
 * "Run as batch job…" for the followed notebook, and its newest jobs: queued or
 * running with the elapsed time (polled), then how they ended, with the executed
 * notebook and its MLflow run.
 */
export function BatchRunControl(props: {
  path: string;
  batch?: IBatchActions;
  mlflowUrl?: string;
}): JSX.Element | null {
  const { path, batch } = props;
  const [jobs, setJobs] = React.useState<IBatchJob[]>([]);
  const [error, setError] = React.useState<ApiError | null>(null);

  const merge = React.useCallback((job: IBatchJob) => {
    setJobs(list => [job, ...list.filter(j => j.id !== job.id)].slice(0, SHOWN));
  }, []);

  React.useEffect(() => {
    if (!batch) {
      return;
    }
    let live = true;
    batch
      .overview(path)
      .then(overview => live && setJobs(overview.jobs.slice(0, SHOWN)))
      .catch(reason => live && setError(ApiError.from(reason)));
    const onQueued = (_: unknown, queued: { id: string; notebook: string }) => {
      if (queued.notebook === path) {
        batch.job(queued.id, path).then(merge, reason => setError(ApiError.from(reason)));
      }
    };
    batch.queued.connect(onQueued);
    return () => {
      live = false;
      batch.queued.disconnect(onQueued);
    };
  }, [batch, path, merge]);

  const active = jobs.filter(j => isActive(j.status)).map(j => j.id);
  const activeKey = active.join(',');
  React.useEffect(() => {
    if (!batch || !activeKey) {
      return;
    }
    const timer = window.setInterval(() => {
      for (const id of activeKey.split(',')) {
        batch.job(id, path).then(
          job => {
            setJobs(list => list.map(j => (j.id === job.id ? job : j)));
            if (!isActive(job.status)) {
              batch.finished?.(job);
            }
          },
          reason => setError(ApiError.from(reason))
        );
      }
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [batch, path, activeKey]);

  if (!batch) {
    return null;
  }
  return (
    <div className="jp-mlops-batch" data-testid="mlops-batch">
      <button
        type="button"
        className="jp-mlops-button"
        aria-label="Run as batch job"
        onClick={() => {
          setError(null);
          batch.openDialog(path).catch(reason => setError(ApiError.from(reason)));
        }}
      >
        Run as batch job…
      </button>
      {error && <ErrorMessage error={error} />}
      {jobs.length > 0 && (
        <ul className="jp-mlops-batch-jobs" aria-label="Batch jobs" aria-live="polite">
          {jobs.map(job => (
            <JobRow key={job.id} job={job} batch={batch} mlflowUrl={props.mlflowUrl} />
          ))}
        </ul>
      )}
    </div>
  );
}

function JobRow(props: {
  job: IBatchJob;
  batch: IBatchActions;
  mlflowUrl?: string;
}): JSX.Element {
  const { job, batch } = props;
  const runUrl = job.mlflowRunId
    ? mlflowRunUrl(props.mlflowUrl, job.mlflowRunId, job.experimentId)
    : null;
  return (
    <li className="jp-mlops-batch-job" data-status={job.status} data-job={job.id}>
      <span className="jp-mlops-batch-status">{summary(job)}</span>
      {job.failure && (
        <span className="jp-mlops-batch-failure">
          {job.failure.cell !== null ? `cell ${job.failure.cell}: ` : ''}
          {job.failure.error}
        </span>
      )}
      {job.error && <span className="jp-mlops-batch-failure">{job.error.error}</span>}
      {(job.output || runUrl) && (
        <span className="jp-mlops-batch-links">
          {job.output && (
            <button
              type="button"
              className="jp-mlops-link-button"
              aria-label="Open the executed notebook"
              title={job.output}
              onClick={() => batch.openFile(job.output!)}
            >
              executed notebook
            </button>
          )}
          {runUrl && (
            <a href={runUrl} target="_blank" rel="noopener noreferrer">
              MLflow run
            </a>
          )}
        </span>
      )}
    </li>
  );
}

/** "running · 4 s", "succeeded in 3 s · drift in 2 columns". */
export function summary(job: IBatchJob): string {
  if (isActive(job.status)) {
    const elapsed = duration(job.elapsed);
    return elapsed ? `${job.status} · ${elapsed}` : job.status;
  }
  const took = job.seconds !== null ? ` in ${duration(job.seconds)}` : '';
  const drift = job.driftFlagged
    ? ` · drift in ${job.driftFlagged} column${job.driftFlagged === 1 ? '' : 's'}`
    : '';
  return `${job.status}${took}${drift}`;
}

import * as React from 'react';

import { INotebookStatus, IProjectInfo } from '../api';
import { baseName, plural, shortFingerprint } from '../format';
import { Actor } from './Actor';
import { ApprovalSummary } from './ApprovalSummary';
import { StageBadge } from './StageBadge';

/** Project name, model template and risk tier. */
export function ProjectHeader(props: { project: IProjectInfo }): JSX.Element {
  const { project } = props;
  return (
    <section className="jp-mlops-project" data-testid="mlops-project" aria-label="MLOps project">
      <h3 className="jp-mlops-project-name" title={`Project root: ${project.root || '.'}`}>
        {project.name}
      </h3>
      <dl className="jp-mlops-facts">
        <div>
          <dt>Template</dt>
          <dd className="jp-mlops-template">{project.template}</dd>
        </div>
        <div>
          <dt>Risk tier</dt>
          <dd>
            <span className="jp-mlops-risk-tier" data-tier={project.risk_tier}>
              {project.risk_tier}
            </span>
          </dd>
        </div>
      </dl>
    </section>
  );
}

/**
 * The notebook: its lifecycle stage, fingerprint, whether the approvals on
 * record still hold, and how many ledger entries concern it.
 */
export function NotebookSummary(props: {
  status: INotebookStatus;
  /** Show a ledger entry in the timeline (the last batch run). */
  onShowEntry?: (id: string) => void;
}): JSX.Element {
  const { status, onShowEntry } = props;
  const report = status.report;
  const fingerprint = status.notebook.fingerprint;
  const short = shortFingerprint(fingerprint);
  const name = baseName(status.path);
  return (
    <section className="jp-mlops-notebook" data-testid="mlops-notebook" aria-label="Notebook">
      <p className="jp-mlops-notebook-name" title={status.path}>
        {name}
      </p>
      <dl className="jp-mlops-facts">
        {report && (
          <div>
            <dt>Stage</dt>
            <dd>
              <StageBadge stage={report.stage} />
              {report.retired && (
                <span className="jp-mlops-retired" data-testid="mlops-retired">
                  {' '}
                  by <Actor identity={report.retired.actor} />
                  {report.retired.why ? `: ${report.retired.why}` : ''}
                </span>
              )}
            </dd>
          </div>
        )}
        <div>
          <dt>Fingerprint</dt>
          <dd>
            {short ? (
              <code
                className="jp-mlops-fingerprint"
                data-testid="mlops-fingerprint"
                title={fingerprint ?? undefined}
              >
                {short}
              </code>
            ) : (
              <span className="jp-mlops-fingerprint jp-mlops-muted" data-testid="mlops-fingerprint">
                not available
              </span>
            )}
          </dd>
        </div>
        {status.approvals && (
          <div>
            <dt>Approvals</dt>
            <dd>
              <ApprovalSummary approvals={status.approvals} />
            </dd>
          </div>
        )}
        {report?.last_batch_run && (
          <div>
            <dt>Last batch</dt>
            <dd>
              {onShowEntry ? (
                <button
                  type="button"
                  className="jp-mlops-link-button"
                  aria-label="Show the last batch run in the timeline"
                  onClick={() => onShowEntry(report.last_batch_run!)}
                >
                  {report.last_batch_run.slice(0, 12)}
                </button>
              ) : (
                <code className="jp-mlops-entry-id">{report.last_batch_run.slice(0, 12)}</code>
              )}
            </dd>
          </div>
        )}
        <div>
          <dt>Ledger</dt>
          <dd className="jp-mlops-entry-count" data-count={status.counts.notebook_entries}>
            {plural(status.counts.notebook_entries, 'entry', 'entries')} for this notebook
          </dd>
        </div>
      </dl>
    </section>
  );
}

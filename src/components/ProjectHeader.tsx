import * as React from 'react';

import { INotebookStatus, IProjectInfo } from '../api';
import { plural, shortFingerprint } from '../format';

/** Project name, model template and risk tier. */
export function ProjectHeader(props: { project: IProjectInfo }): JSX.Element {
  const { project } = props;
  return (
    <section
      className="jp-mlops-project"
      data-testid="mlops-project"
      aria-label="MLOps project"
    >
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

/** The notebook's fingerprint and how many ledger entries concern it. */
export function NotebookSummary(props: { status: INotebookStatus }): JSX.Element {
  const { status } = props;
  const fingerprint = status.notebook.fingerprint;
  const short = shortFingerprint(fingerprint);
  const name = status.path.split('/').pop() || status.path;
  return (
    <section className="jp-mlops-notebook" data-testid="mlops-notebook" aria-label="Notebook">
      <p className="jp-mlops-notebook-name" title={status.path}>
        {name}
      </p>
      <dl className="jp-mlops-facts">
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

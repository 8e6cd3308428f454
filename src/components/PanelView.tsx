import { refreshIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { INotebookStatus } from '../api';
import { sentence } from '../format';
import { IPanelState } from '../model';
import { DecisionList } from './DecisionList';
import { CommandSnippet, EmptyState } from './EmptyState';
import { ErrorMessage } from './ErrorMessage';
import { InlineText } from './InlineText';
import { NotebookSummary, ProjectHeader } from './ProjectHeader';

/** The whole panel for one state of the model. Pure: same state, same DOM. */
export function PanelView(props: { state: IPanelState; onRefresh?: () => void }): JSX.Element {
  const { state, onRefresh } = props;
  return (
    <div
      className="jp-mlops-panel"
      data-testid="mlops-panel"
      data-status={state.status}
      aria-busy={state.status === 'loading'}
    >
      <header className="jp-mlops-header">
        <h2 className="jp-mlops-heading">MLOps</h2>
        {onRefresh && state.path && (
          <button
            type="button"
            className="jp-mlops-refresh jp-Button jp-mod-minimal"
            title="Refresh"
            aria-label="Refresh"
            onClick={onRefresh}
          >
            <refreshIcon.react tag="span" />
          </button>
        )}
      </header>
      <Body state={state} />
    </div>
  );
}

function Body(props: { state: IPanelState }): JSX.Element {
  const { state } = props;
  switch (state.status) {
    case 'no-notebook':
      return (
        <EmptyState kind="no-notebook" title="Open a notebook to see its MLOps record.">
          <p>The panel follows the notebook you are working in.</p>
        </EmptyState>
      );
    case 'loading':
      return <p className="jp-mlops-loading">Loading…</p>;
    case 'error':
      return <ErrorMessage error={state.error!} />;
    case 'ready':
      return <Status status={state.data!} />;
  }
}

function Status(props: { status: INotebookStatus }): JSX.Element {
  const { status } = props;
  if (!status.project) {
    return (
      <EmptyState kind="no-project" title="This notebook is not inside an MLOps project.">
        {status.hint ? (
          <p className="jp-mlops-hint">
            <InlineText text={sentence(status.hint)} />
          </p>
        ) : (
          <p className="jp-mlops-hint">
            Run <CommandSnippet>mlops init</CommandSnippet> in a terminal in the project's root
            folder, or <CommandSnippet>%mlops init</CommandSnippet> in a notebook cell there.
          </p>
        )}
      </EmptyState>
    );
  }
  return (
    <>
      <ProjectHeader project={status.project} />
      <NotebookSummary status={status} />
      {status.decisions.length > 0 ? (
        <DecisionList decisions={status.decisions} />
      ) : (
        <EmptyState kind="no-decisions" title="No key decisions recorded for this notebook yet.">
          <p>Record one from a cell:</p>
          <pre className="jp-mlops-snippet-block">
            <code>%mlops decide "TITLE" --why "..."</code>
          </pre>
          <p className="jp-mlops-muted">
            Load the magics first with <CommandSnippet>%load_ext jupyterlab_mlops</CommandSnippet>.
          </p>
        </EmptyState>
      )}
    </>
  );
}

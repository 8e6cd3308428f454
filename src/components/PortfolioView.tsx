import { refreshIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IPortfolio } from '../api';
import { plural } from '../format';
import { DEFAULT_SORT, ISort, portfolioRows } from '../portfolio';
import { IPortfolioState } from '../portfolioModel';
import { CommandSnippet, EmptyState } from './EmptyState';
import { ErrorMessage } from './ErrorMessage';
import { PortfolioTable } from './PortfolioTable';

/** The portfolio: every project's notebooks under the server root, sortable. */
export function PortfolioView(props: {
  state: IPortfolioState;
  onRefresh?: () => void;
  onOpen: (path: string) => void;
}): JSX.Element {
  const { state, onRefresh, onOpen } = props;
  const [sort, setSort] = React.useState<ISort>(DEFAULT_SORT);
  return (
    <div
      className="jp-mlops-portfolio"
      data-testid="mlops-portfolio"
      data-status={state.status}
      aria-busy={state.busy}
    >
      <header className="jp-mlops-header">
        <h2 className="jp-mlops-heading">MLOps portfolio</h2>
        {onRefresh && (
          <button
            type="button"
            className="jp-mlops-refresh jp-Button jp-mod-minimal"
            title="Refresh"
            aria-label="Refresh the portfolio"
            onClick={onRefresh}
            disabled={state.busy}
          >
            <refreshIcon.react tag="span" />
          </button>
        )}
      </header>
      {state.error && <ErrorMessage error={state.error} />}
      {state.status === 'loading' && <p className="jp-mlops-loading">Loading…</p>}
      {state.data && <Projects data={state.data} sort={sort} onSort={setSort} onOpen={onOpen} />}
    </div>
  );
}

function Projects(props: {
  data: IPortfolio;
  sort: ISort;
  onSort: (sort: ISort) => void;
  onOpen: (path: string) => void;
}): JSX.Element {
  const { data } = props;
  const rows = React.useMemo(() => portfolioRows(data), [data]);
  if (data.projects.length === 0) {
    return (
      <EmptyState kind="no-project" title="No MLOps project under the server root yet.">
        <p className="jp-mlops-hint">
          Run <CommandSnippet>mlops init</CommandSnippet> in a project's root folder.
        </p>
      </EmptyState>
    );
  }
  const broken = data.projects.filter(p => p.error);
  const empty = data.projects.filter(p => !p.error && p.notebooks.length === 0);
  return (
    <>
      <p className="jp-mlops-muted" data-testid="mlops-portfolio-summary">
        {plural(data.projects.length, 'project')}, {plural(rows.length, 'notebook')}
        {data.truncated ? ' (the list was cut short: there are more)' : ''}
      </p>
      {rows.length > 0 && (
        <PortfolioTable rows={rows} sort={props.sort} onSort={props.onSort} onOpen={props.onOpen} />
      )}
      {broken.length > 0 && (
        <ul className="jp-mlops-portfolio-problems" aria-label="Projects that could not be read">
          {broken.map(p => (
            <li key={p.root} className="jp-mlops-error-message">
              {p.name} ({p.root || '.'}): {p.error}
            </li>
          ))}
        </ul>
      )}
      {empty.length > 0 && (
        <p className="jp-mlops-muted">No notebooks yet in: {empty.map(p => p.name).join(', ')}.</p>
      )}
    </>
  );
}

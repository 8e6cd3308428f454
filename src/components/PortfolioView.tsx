import { refreshIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IPortfolio } from '../api';
import type { IPortfolioRow } from '../portfolio';
import { plural } from '../format';
import {
  DEFAULT_SORT,
  filterChoices,
  filterRows,
  funnel,
  IFilters,
  ISort,
  NO_FILTERS,
  portfolioRows,
  sortRows
} from '../portfolio';
import { downloadCsv } from '../portfolioCsv';
import { IPortfolioState } from '../portfolioModel';
import { CommandSnippet, EmptyState } from './EmptyState';
import { ErrorMessage } from './ErrorMessage';
import { PortfolioFilters } from './PortfolioFilters';
import { PortfolioFunnel } from './PortfolioFunnel';
import { PortfolioTable } from './PortfolioTable';

/**
 * The portfolio: every project's notebooks under the server root, with the
 * funnel per stage, filters, sorting and a CSV export of the rows shown.
 */
export function PortfolioView(props: {
  state: IPortfolioState;
  onRefresh?: () => void;
  onOpen: (path: string) => void;
  /** Saves the rows shown (default: a CSV download). */
  onExport?: (rows: readonly IPortfolioRow[]) => void;
}): JSX.Element {
  const { state, onRefresh, onOpen } = props;
  const [sort, setSort] = React.useState<ISort>(DEFAULT_SORT);
  const [filters, setFilters] = React.useState<IFilters>(NO_FILTERS);
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
      {state.data && (
        <Projects
          data={state.data}
          sort={sort}
          onSort={setSort}
          filters={filters}
          onFilters={setFilters}
          onOpen={onOpen}
          onExport={props.onExport ?? (rows => downloadCsv(rows))}
        />
      )}
    </div>
  );
}

function Projects(props: {
  data: IPortfolio;
  sort: ISort;
  onSort: (sort: ISort) => void;
  filters: IFilters;
  onFilters: (filters: IFilters) => void;
  onOpen: (path: string) => void;
  onExport: (rows: readonly IPortfolioRow[]) => void;
}): JSX.Element {
  const { data, filters, onFilters } = props;
  const rows = React.useMemo(() => portfolioRows(data), [data]);
  const choices = React.useMemo(() => filterChoices(rows), [rows]);
  // the funnel counts what every filter but the stage lets through; its steps pick the stage
  const steps = React.useMemo(
    () => funnel(filterRows(rows, { ...filters, stage: '' })),
    [rows, filters]
  );
  const shown = React.useMemo(
    () => sortRows(filterRows(rows, filters), props.sort),
    [rows, filters, props.sort]
  );
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
        {data.truncated ? truncation(data) : ''}
      </p>
      {rows.length > 0 && (
        <>
          <PortfolioFunnel
            steps={steps}
            stage={filters.stage}
            onStage={stage => onFilters({ ...filters, stage })}
          />
          <div className="jp-mlops-portfolio-tools">
            <PortfolioFilters
              filters={filters}
              choices={choices}
              flags={data.flags}
              onChange={onFilters}
            />
            <button
              type="button"
              className="jp-mlops-button jp-mlops-portfolio-export"
              aria-label={`Export ${plural(shown.length, 'row')} as CSV`}
              title="Download the rows shown (filtered and sorted) as a CSV file"
              onClick={() => props.onExport(shown)}
              disabled={shown.length === 0}
            >
              Export {plural(shown.length, 'row')} as CSV
            </button>
          </div>
          <p className="jp-mlops-muted" data-testid="mlops-portfolio-shown" aria-live="polite">
            Showing {shown.length} of {plural(rows.length, 'notebook')}
          </p>
          <PortfolioTable
            rows={shown}
            sort={props.sort}
            flagLabels={data.flags}
            onSort={props.onSort}
            onOpen={props.onOpen}
          />
        </>
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

function truncation(data: IPortfolio): string {
  const { projects, notebooks } = data.limits;
  const limits = projects && notebooks ? `, at ${projects} projects or ${notebooks} notebooks` : '';
  return ` (the scan stopped at its limits${limits}: there are more)`;
}

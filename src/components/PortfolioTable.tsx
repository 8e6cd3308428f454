import * as React from 'react';

import { formatLocalTime } from '../format';
import { IPortfolioRow, ISort, nextSort, SortKey, sortRows } from '../portfolio';
import { StageBadge } from './StageBadge';

const COLUMNS: { key: SortKey; label: string; numeric?: boolean }[] = [
  { key: 'project', label: 'Project' },
  { key: 'notebook', label: 'Notebook' },
  { key: 'template', label: 'Template' },
  { key: 'owner', label: 'Owner' },
  { key: 'risk_tier', label: 'Risk tier' },
  { key: 'stage', label: 'Stage' },
  { key: 'failing', label: 'Failing', numeric: true },
  { key: 'stale', label: 'Stale approvals' },
  { key: 'last_activity', label: 'Last activity' }
];

/**
 * Every notebook of every project; a click on a column header sorts by it
 * (again: the other way round), a click on a row opens the notebook.
 */
export function PortfolioTable(props: {
  rows: readonly IPortfolioRow[];
  sort: ISort;
  onSort: (sort: ISort) => void;
  onOpen: (path: string) => void;
}): JSX.Element {
  const { rows, sort, onSort, onOpen } = props;
  const sorted = React.useMemo(() => sortRows(rows, sort), [rows, sort]);
  return (
    <table
      className="jp-mlops-portfolio-table"
      aria-label="Notebooks of every MLOps project"
      data-testid="mlops-portfolio-table"
    >
      <thead>
        <tr>
          {COLUMNS.map(col => {
            const active = sort.key === col.key;
            return (
              <th
                key={col.key}
                scope="col"
                aria-sort={active ? sort.direction : 'none'}
                data-key={col.key}
                className={col.numeric ? 'jp-mlops-numeric' : undefined}
              >
                <button
                  type="button"
                  className="jp-mlops-sort"
                  aria-label={`Sort by ${col.label}`}
                  onClick={() => onSort(nextSort(sort, col.key))}
                >
                  {col.label}
                  <span className="jp-mlops-sort-mark" aria-hidden="true">
                    {active ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ''}
                  </span>
                </button>
              </th>
            );
          })}
        </tr>
      </thead>
      <tbody>
        {sorted.map(row => (
          <Row key={row.key} row={row} onOpen={onOpen} />
        ))}
      </tbody>
    </table>
  );
}

function Row(props: { row: IPortfolioRow; onOpen: (path: string) => void }): JSX.Element {
  const { row, onOpen } = props;
  return (
    <tr
      className="jp-mlops-portfolio-row"
      data-path={row.path}
      data-stage={row.stage}
      data-testid="mlops-portfolio-row"
      onClick={() => onOpen(row.path)}
    >
      <td
        className="jp-mlops-portfolio-project"
        title={`Project root: ${row.projectRoot || '.'}${row.facts ? `\n${row.facts}` : ''}`}
      >
        {row.project}
      </td>
      <td>
        <button
          type="button"
          className="jp-mlops-link-button jp-mlops-portfolio-open"
          aria-label={`Open ${row.path} and its MLOps panel`}
          title={row.path}
          onClick={event => {
            event.stopPropagation();
            onOpen(row.path);
          }}
        >
          {row.notebook}
        </button>
      </td>
      <td>{row.template}</td>
      <td className="jp-mlops-portfolio-owner">
        {row.owner || <span className="jp-mlops-muted">not given</span>}
      </td>
      <td>
        <span className="jp-mlops-risk-tier" data-tier={row.risk_tier}>
          {row.risk_tier}
        </span>
      </td>
      <td>
        {row.error ? (
          <span className="jp-mlops-error-message" title={row.error}>
            cannot evaluate: {row.error}
          </span>
        ) : (
          <StageBadge stage={row.stage} />
        )}
      </td>
      <td
        className="jp-mlops-numeric"
        data-failing={row.failing}
        title={
          row.blocking_approval.length
            ? `Blocking approval: ${row.blocking_approval.join(', ')}`
            : undefined
        }
      >
        {row.failing}
      </td>
      <td data-stale={String(row.stale)}>
        {row.stale ? (
          <span className="jp-mlops-badge jp-mlops-stale-badge">stale</span>
        ) : (
          <span className="jp-mlops-muted">no</span>
        )}
      </td>
      <td>
        {row.last_activity ? (
          <time dateTime={row.last_activity} title={row.last_activity}>
            {formatLocalTime(row.last_activity)}
          </time>
        ) : (
          <span className="jp-mlops-muted">none</span>
        )}
      </td>
    </tr>
  );
}

import * as React from 'react';

import { formatLocalTime } from '../format';
import { IPortfolioRow, ISort, nextSort, SortKey } from '../portfolio';
import { describeDocumentation, describeDrift } from '../portfolioCsv';
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
  { key: 'flags', label: 'Flags' },
  { key: 'documentation', label: 'Documentation' },
  { key: 'last_activity', label: 'Last activity' }
];

/**
 * Every notebook of every project; a click on a column header sorts by it
 * (again: the other way round), a click on a row opens the notebook.
 */
export function PortfolioTable(props: {
  /** The rows to show, already sorted (see sortRows). */
  rows: readonly IPortfolioRow[];
  sort: ISort;
  flagLabels: Record<string, string>;
  onSort: (sort: ISort) => void;
  onOpen: (path: string) => void;
}): JSX.Element {
  const { rows, sort, onSort, onOpen, flagLabels } = props;
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
        {rows.map(row => (
          <Row key={row.key} row={row} onOpen={onOpen} flagLabels={flagLabels} />
        ))}
      </tbody>
    </table>
  );
}

function Row(props: {
  row: IPortfolioRow;
  flagLabels: Record<string, string>;
  onOpen: (path: string) => void;
}): JSX.Element {
  const { row, onOpen, flagLabels } = props;
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
          row.detail.failing_items.length
            ? `Failing: ${row.detail.failing_items.join(', ')}`
            : undefined
        }
      >
        {row.failing}
      </td>
      <td data-stale={String(row.stale)}>
        {row.stale ? (
          <span
            className="jp-mlops-badge jp-mlops-stale-badge"
            title={
              row.detail.stale_because.length
                ? `Changed since: ${row.detail.stale_because.join(', ')}`
                : undefined
            }
          >
            stale
          </span>
        ) : (
          <span className="jp-mlops-muted">no</span>
        )}
      </td>
      <td className="jp-mlops-portfolio-flags" data-flags={row.flags.join(' ')}>
        {row.flags.length === 0 ? (
          <span className="jp-mlops-muted">none</span>
        ) : (
          row.flags.map((flag, index) => (
            <React.Fragment key={flag}>
              {index > 0 && ' '}
              <span
                className="jp-mlops-badge jp-mlops-flag"
                data-flag={flag}
                title={flagTitle(row, flag, flagLabels)}
              >
                {flagText(row, flag)}
              </span>
            </React.Fragment>
          ))
        )}
      </td>
      <td className="jp-mlops-portfolio-docs">{describeDocumentation(row)}</td>
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

/** A flag's badge text: short, with the roles waiting for a review. */
function flagText(row: IPortfolioRow, flag: string): string {
  if (flag === 'review') {
    return `review: ${row.detail.reviews.map(r => r.role).join(', ')}`;
  }
  return flag.replace(/_/g, ' ');
}

/** A flag's tooltip: its label, and what raised it. */
function flagTitle(row: IPortfolioRow, flag: string, labels: Record<string, string>): string {
  const label = labels[flag] ?? flag;
  const batch = row.detail.batch;
  switch (flag) {
    case 'failing':
      return `${label}: ${row.detail.failing_items.join(', ')}`;
    case 'stale':
      return `${label}: ${row.detail.stale_because.join(', ') || 'the bundle changed'}`;
    case 'drift':
      return `${label}: ${(batch?.drift ?? []).map(describeDrift).join('; ')}`;
    case 'batch_failed':
      return `${label}: ${batch?.status ?? ''}`;
    default:
      return label;
  }
}

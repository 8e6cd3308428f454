import * as React from 'react';

import { IProduction, IProductionRun, IProductionSide } from '../api';
import { formatLocalTime } from '../format';
import { formatDelta, formatMetric, metricRows } from '../production';

/** Opens a run in MLflow (null when no MLflow URL is configured). */
export type RunUrl = (runId: string, experimentId?: string) => string | null;

/**
 * The bundle in production (the champion) next to the retrained one awaiting sign-off (the
 * challenger): their data versions, runs and key metrics, the challenger's with its
 * difference. Two narrow value columns: it fits the 250 px sidebar.
 */
export function ChampionChallenger(props: {
  production: IProduction;
  runUrl?: RunUrl;
}): JSX.Element {
  const { production, runUrl } = props;
  const { champion, challenger } = production;
  const rows = metricRows(production);
  const roles = Object.keys(champion.approved_by_roles);
  return (
    <section
      className="jp-mlops-production"
      data-testid="mlops-production"
      data-challenger={challenger ? 'yes' : 'no'}
      aria-label={challenger ? 'Champion and challenger' : 'In production'}
    >
      <h4 className="jp-mlops-production-heading">
        {challenger ? 'Champion and challenger' : 'In production'}
      </h4>
      <table className="jp-mlops-production-table">
        <thead>
          <tr>
            <td />
            <th scope="col" className="jp-mlops-production-champion">
              Champion
            </th>
            {challenger && (
              <th scope="col" className="jp-mlops-production-challenger">
                Challenger
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          <tr data-row="state">
            <th scope="row">state</th>
            <td title={`approved ${formatLocalTime(champion.approved_at)} (${roles.join(', ')})`}>
              in production
            </td>
            {challenger && (
              <td data-testid="mlops-challenger-awaiting">
                {challenger.awaiting.length
                  ? `awaiting ${challenger.awaiting.join(', ')}`
                  : 'signed'}
              </td>
            )}
          </tr>
          <tr data-row="bundle">
            <th scope="row">bundle</th>
            <Digest side={champion} />
            {challenger && <Digest side={challenger} />}
          </tr>
          <tr data-row="data">
            <th scope="row">data</th>
            <td>{dataLabel(champion)}</td>
            {challenger && <td>{dataLabel(challenger)}</td>}
          </tr>
          <tr data-row="run">
            <th scope="row">run</th>
            <td>
              <Runs runs={champion.runs} runUrl={runUrl} />
            </td>
            {challenger && (
              <td>
                <Runs runs={challenger.runs} runUrl={runUrl} />
              </td>
            )}
          </tr>
          {rows.map(row => (
            <tr key={row.name} data-row="metric" data-metric={row.name}>
              <th scope="row">{breakable(row.name)}</th>
              <td>{formatMetric(row.champion)}</td>
              {challenger && (
                <td>
                  {formatMetric(row.challenger)}
                  {row.delta !== null && (
                    <>
                      {' '}
                      <span
                        className="jp-mlops-production-delta"
                        data-sign={row.delta > 0 ? 'up' : row.delta < 0 ? 'down' : 'same'}
                        aria-label={`${formatDelta(row.delta)} against the champion`}
                      >
                        {formatDelta(row.delta)}
                      </span>
                    </>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="jp-mlops-production-note jp-mlops-muted" data-testid="mlops-production-note">
        {note(production, roles)}
      </p>
    </section>
  );
}

function note(production: IProduction, roles: string[]): string {
  const { champion, challenger } = production;
  const approved = `Approved ${formatLocalTime(champion.approved_at)} by ${roles.join(', ')}.`;
  if (!challenger) {
    return `${approved} Batch runs use this bundle.`;
  }
  if (challenger.champion_runs_meanwhile) {
    return `${approved} Batch runs use the champion until every required role signs the challenger.`;
  }
  return (
    `Batch runs refuse: the challenger changed ${challenger.changes.join(', ')}; ` +
    'only data versions, runs and prompts may change while the champion runs.'
  );
}

function Digest(props: { side: IProductionSide }): JSX.Element {
  const digest = props.side.bundle_digest;
  return (
    <td>
      <code title={digest}>{digest.slice(0, 8)}</code>
    </td>
  );
}

function dataLabel(side: IProductionSide): string {
  if (!side.data.length) {
    return 'none';
  }
  return side.data
    .map(d => `${d.name ?? d.entry.slice(0, 8)}${d.version !== null ? ` v${d.version}` : ''}`)
    .join(', ');
}

function Runs(props: { runs: IProductionRun[]; runUrl?: RunUrl }): JSX.Element {
  if (!props.runs.length) {
    return <>none</>;
  }
  return (
    <>
      {props.runs.map((run, index) => {
        const url = props.runUrl?.(run.id, run.experiment_id ?? undefined) ?? null;
        const label = run.id.slice(0, 8);
        return (
          <React.Fragment key={run.id}>
            {index > 0 && ', '}
            {url ? (
              <a href={url} target="_blank" rel="noopener noreferrer" title={run.name ?? run.id}>
                {label}
              </a>
            ) : (
              <code title={run.name ?? run.id}>{label}</code>
            )}
          </React.Fragment>
        );
      })}
    </>
  );
}

/** A metric name that may wrap after its underscores (never inside a word). */
function breakable(name: string): React.ReactNode {
  const parts = name.split('_');
  return parts.map((part, index) => (
    <React.Fragment key={index}>
      {part}
      {index < parts.length - 1 && (
        <>
          _<wbr />
        </>
      )}
    </React.Fragment>
  ));
}

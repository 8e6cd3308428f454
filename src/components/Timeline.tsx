import * as React from 'react';

import { ITimelineEntry } from '../api';
import { formatLocalTime, kindLabel, parseLink, plural } from '../format';
import { Actor } from './Actor';

/** Which entry to bring into view; `seq` changes on every request (same entry twice). */
export interface IHighlight {
  id: string;
  seq: number;
}

export const TIMELINE_PAGE = 50;

/**
 * The notebook's ledger entries, newest first (the server's order), with a
 * filter by kind. Shows `TIMELINE_PAGE` entries at a time.
 */
export function Timeline(props: {
  entries: readonly ITimelineEntry[];
  highlight: IHighlight | null;
  onShowEntry: (id: string) => void;
  runUrl: (runId: string, experimentId?: string) => string | null;
  pageSize?: number;
}): JSX.Element {
  const { entries, highlight, onShowEntry, runUrl } = props;
  const pageSize = props.pageSize ?? TIMELINE_PAGE;
  const [kind, setKind] = React.useState('');
  const [limit, setLimit] = React.useState(pageSize);
  const listRef = React.useRef<HTMLOListElement>(null);
  const scrollTo = React.useRef<string | null>(null);
  const filterId = React.useId();

  const kinds = React.useMemo(
    () => Array.from(new Set(entries.map(e => e.kind))).sort(),
    [entries]
  );
  const shown = kind ? entries.filter(e => e.kind === kind) : entries;
  const target = highlight ? (entries.find(e => e.id === highlight.id) ?? null) : null;

  // bring the highlighted entry into the list (clear a filter that hides it, show more)
  React.useEffect(() => {
    if (!highlight || !target) {
      return;
    }
    const visible = kind && target.kind !== kind ? entries : shown;
    if (visible !== shown) {
      setKind('');
    }
    const index = visible.indexOf(target);
    if (index >= limit) {
      setLimit(Math.ceil((index + 1) / pageSize) * pageSize);
    }
    scrollTo.current = target.id;
  }, [highlight?.seq, highlight?.id]);

  // then scroll to it and move the focus there, once it is rendered
  React.useEffect(() => {
    const id = scrollTo.current;
    if (!id || !listRef.current) {
      return;
    }
    const node = Array.from(listRef.current.querySelectorAll<HTMLElement>('[data-entry-id]')).find(
      el => el.dataset.entryId === id
    );
    if (node) {
      scrollTo.current = null;
      node.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
      node.focus({ preventScroll: true });
    }
  });

  return (
    <div className="jp-mlops-timeline" data-testid="mlops-timeline">
      <div className="jp-mlops-timeline-filter">
        <label htmlFor={filterId}>Kind</label>
        <select
          id={filterId}
          className="jp-mlops-select"
          aria-label="Filter the timeline by kind"
          value={kind}
          onChange={e => setKind(e.target.value)}
        >
          <option value="">all kinds ({entries.length})</option>
          {kinds.map(k => (
            <option key={k} value={k}>
              {kindLabel(k)} ({entries.filter(e => e.kind === k).length})
            </option>
          ))}
        </select>
      </div>
      {highlight && !target && (
        <p className="jp-mlops-muted" role="status">
          That entry ({highlight.id.slice(0, 12)}) is not among this notebook's timeline entries.
        </p>
      )}
      {shown.length === 0 ? (
        <p className="jp-mlops-muted">No ledger entries for this notebook yet.</p>
      ) : (
        <ol
          className="jp-mlops-timeline-list"
          ref={listRef}
          aria-label="Ledger entries, newest first"
        >
          {shown.slice(0, limit).map(entry => (
            <TimelineEntry
              key={entry.id}
              entry={entry}
              highlighted={target?.id === entry.id}
              onShowEntry={onShowEntry}
              runUrl={runUrl}
            />
          ))}
        </ol>
      )}
      {shown.length > limit && (
        <button
          type="button"
          className="jp-mlops-button jp-mlops-more"
          aria-label={`Show ${Math.min(pageSize, shown.length - limit)} more timeline entries`}
          onClick={() => setLimit(limit + pageSize)}
        >
          Show more ({plural(shown.length - limit, 'entry', 'entries')} left)
        </button>
      )}
    </div>
  );
}

function TimelineEntry(props: {
  entry: ITimelineEntry;
  highlighted: boolean;
  onShowEntry: (id: string) => void;
  runUrl: (runId: string, experimentId?: string) => string | null;
}): JSX.Element {
  const { entry: e, highlighted, onShowEntry, runUrl } = props;
  const classes = ['jp-mlops-entry'];
  if (highlighted) {
    classes.push('jp-mlops-highlight');
  }
  if (!e.current) {
    classes.push('jp-mlops-entry-earlier');
  }
  return (
    <li
      className={classes.join(' ')}
      data-entry-id={e.id}
      data-kind={e.kind}
      data-current={String(e.current)}
      data-testid="mlops-entry"
      tabIndex={-1}
      aria-current={highlighted ? 'true' : undefined}
    >
      <div className="jp-mlops-entry-head">
        <span className="jp-mlops-kind" data-kind={e.kind}>
          {kindLabel(e.kind)}
        </span>
        {!e.current && (
          <span
            className="jp-mlops-badge jp-mlops-stale-badge"
            title="Recorded on an earlier version of the notebook"
          >
            earlier version
          </span>
        )}
      </div>
      <p className="jp-mlops-entry-summary">{e.summary}</p>
      <EntryLinks entry={e} onShowEntry={onShowEntry} runUrl={runUrl} />
      <div className="jp-mlops-decision-meta">
        <Actor identity={e.actor} />
        <time className="jp-mlops-time" dateTime={e.time} title={e.time}>
          {formatLocalTime(e.time)}
        </time>
        <code className="jp-mlops-entry-id" title={e.id}>
          {(e.short_id || e.id).slice(0, 12)}
        </code>
      </div>
    </li>
  );
}

function EntryLinks(props: {
  entry: ITimelineEntry;
  onShowEntry: (id: string) => void;
  runUrl: (runId: string, experimentId?: string) => string | null;
}): JSX.Element | null {
  const { entry, onShowEntry, runUrl } = props;
  const links = entry.links.map(parseLink);
  const ownRun = entry.mlflow;
  if (ownRun && !links.some(l => l.kind === 'mlflow-run' && l.ref === ownRun.run_id)) {
    links.unshift({ kind: 'mlflow-run', ref: ownRun.run_id });
  }
  const shown = links.filter(l => l.kind === 'entry' || l.kind === 'mlflow-run');
  if (shown.length === 0) {
    return null;
  }
  return (
    <ul className="jp-mlops-entry-links" aria-label="Links">
      {shown.map((link, i) => {
        const short = link.ref.slice(0, 12);
        if (link.kind === 'entry') {
          return (
            <li key={`${link.kind}:${link.ref}:${i}`}>
              <button
                type="button"
                className="jp-mlops-link-button"
                aria-label={`Show linked entry ${short}`}
                onClick={() => onShowEntry(link.ref)}
              >
                entry {short}
              </button>
            </li>
          );
        }
        const experiment = ownRun && ownRun.run_id === link.ref ? ownRun.experiment_id : undefined;
        const url = runUrl(link.ref, experiment);
        return (
          <li key={`${link.kind}:${link.ref}:${i}`}>
            {url ? (
              <a
                href={url}
                target="_blank"
                rel="noopener noreferrer"
                className="jp-mlops-evidence-link"
                aria-label={`Open MLflow run ${short} in a new tab`}
              >
                MLflow run {short}
              </a>
            ) : (
              <span title={link.ref}>MLflow run {short}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

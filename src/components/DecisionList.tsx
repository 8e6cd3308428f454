import * as React from 'react';

import { IDecision } from '../api';
import { formatLocalTime, newestFirst, shortId } from '../format';
import { Actor } from './Actor';

/**
 * The notebook's key decisions, newest first. All user text is rendered as
 * React text nodes, so it is never interpreted as HTML.
 */
export function DecisionList(props: { decisions: readonly IDecision[] }): JSX.Element {
  const decisions = newestFirst(props.decisions);
  return (
    <ol className="jp-mlops-decision-list" data-testid="mlops-decisions" aria-label="Key decisions">
      {decisions.map((decision, index) => (
        <Decision key={`${decision.id}:${index}`} decision={decision} />
      ))}
    </ol>
  );
}

export function Decision(props: { decision: IDecision }): JSX.Element {
  const d = props.decision;
  return (
    <li
      className={`jp-mlops-decision${d.current ? '' : ' jp-mlops-decision-stale'}`}
      data-entry-id={d.id}
      data-current={String(d.current)}
      data-testid="mlops-decision"
    >
      <div className="jp-mlops-decision-head">
        <span className="jp-mlops-decision-title">{d.title}</span>
        {!d.current && (
          <span
            className="jp-mlops-badge jp-mlops-stale-badge"
            data-testid="mlops-stale-badge"
            title="The notebook has changed since this decision was recorded."
          >
            recorded on an earlier version
          </span>
        )}
      </div>
      {d.why && (
        <p className="jp-mlops-decision-why">
          <span className="jp-mlops-label">Why</span> {d.why}
        </p>
      )}
      {d.alternatives && (
        <p className="jp-mlops-decision-alternatives">
          <span className="jp-mlops-label">Alternatives</span> {d.alternatives}
        </p>
      )}
      {d.tags.length > 0 && (
        <ul className="jp-mlops-tags" aria-label="Tags">
          {d.tags.map((tag, i) => (
            <li key={`${tag}:${i}`} className="jp-mlops-tag">
              {tag}
            </li>
          ))}
        </ul>
      )}
      <div className="jp-mlops-decision-meta">
        <Actor identity={d.actor} />
        <time className="jp-mlops-time" dateTime={d.time} title={d.time}>
          {formatLocalTime(d.time)}
        </time>
        <code className="jp-mlops-entry-id" title={d.id}>
          {shortId(d)}
        </code>
      </div>
    </li>
  );
}

import * as React from 'react';

import { INeedsReview } from '../api';
import { formatLocalTime, sentence } from '../format';

/** Drift flagged in the last batch run: a warning at the top of the panel. */
export function NeedsReview(props: { needsReview: INeedsReview | null }): JSX.Element | null {
  const n = props.needsReview;
  const id = React.useId();
  if (!n) {
    return null;
  }
  return (
    <section className="jp-mlops-needs-review" data-testid="mlops-needs-review" aria-labelledby={id}>
      <h4 className="jp-mlops-needs-review-title" id={id}>
        Needs review
      </h4>
      <p className="jp-mlops-needs-review-reason">{sentence(n.reason)}</p>
      {n.columns.length > 0 && (
        <p className="jp-mlops-needs-review-columns">
          <span className="jp-mlops-label">Drifted</span>{' '}
          {n.columns.map((c, i) => (
            <React.Fragment key={`${c}:${i}`}>
              {i > 0 && ', '}
              <code className="jp-mlops-column">{c}</code>
            </React.Fragment>
          ))}
        </p>
      )}
      {(n.batch_id || n.time) && (
        <p className="jp-mlops-muted jp-mlops-needs-review-batch">
          {n.batch_id && (
            <>
              batch run{' '}
              <code className="jp-mlops-entry-id" title={n.batch_id}>
                {n.batch_id.slice(0, 12)}
              </code>
            </>
          )}
          {n.batch_id && n.time && ', '}
          {n.time && (
            <time dateTime={n.time} title={n.time}>
              {formatLocalTime(n.time)}
            </time>
          )}
        </p>
      )}
    </section>
  );
}

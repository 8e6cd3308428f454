import * as React from 'react';

import { ApiError } from '../api';
import { sentence } from '../format';
import { InlineText } from './InlineText';

/** A server or network error: one short message, then what to do. */
export function ErrorMessage(props: { error: ApiError }): JSX.Element {
  const { error } = props;
  return (
    <div
      className="jp-mlops-error"
      role="alert"
      data-testid="mlops-error"
      data-status={error.status || undefined}
    >
      <p className="jp-mlops-error-message">{error.message}</p>
      {error.hint && (
        <p className="jp-mlops-error-hint">
          <InlineText text={sentence(error.hint)} />
        </p>
      )}
    </div>
  );
}

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

/** What an action ended with: a success line (a live status), or the error. */
export function Outcome(props: { done?: string | null; error?: ApiError | null }): JSX.Element {
  const { done, error } = props;
  return (
    <>
      {done && (
        <p className="jp-mlops-success" role="status">
          {done}
        </p>
      )}
      {error && <ErrorMessage error={error} />}
    </>
  );
}

/** A form's submit button (its text while busy), then what the submission ended with. */
export function SubmitActions(props: {
  label: string;
  text: string;
  busyText: string;
  busy: boolean;
  ready: boolean;
  done?: string | null;
  error?: ApiError | null;
}): JSX.Element {
  return (
    <>
      <div className="jp-mlops-form-actions">
        <button
          type="submit"
          className="jp-mlops-button jp-mlops-primary"
          aria-label={props.label}
          disabled={!props.ready}
        >
          {props.busy ? props.busyText : props.text}
        </button>
      </div>
      <Outcome done={props.done} error={props.error} />
    </>
  );
}

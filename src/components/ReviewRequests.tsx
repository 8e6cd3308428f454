import * as React from 'react';

import { IReviewRequest, IReviewRequestInput } from '../api';
import { formatLocalTime } from '../format';
import { Actor } from './Actor';
import { SubmitActions } from './ErrorMessage';
import { useSubmission } from './useSubmission';

/** A picker of roles (its accessible name in `label`). */
export function RoleSelect(props: {
  id: string;
  label: string;
  roles: readonly string[];
  value: string;
  onChange: (role: string) => void;
  name?: string;
  testId?: string;
  selectRef?: React.Ref<HTMLSelectElement>;
}): JSX.Element {
  return (
    <select
      id={props.id}
      ref={props.selectRef}
      className="jp-mlops-select"
      name={props.name}
      aria-label={props.label}
      data-testid={props.testId}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
    >
      {props.roles.map(r => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}

/** "risk review requested by Ada, 2 Dec 2026, 12:00" and the comment, if any. */
function RequestText(props: { request: IReviewRequest }): JSX.Element {
  const r = props.request;
  return (
    <>
      <p className="jp-mlops-request-line">
        <span className="jp-mlops-role-name">{r.role}</span> review requested by{' '}
        <Actor identity={r.requester} />
        {r.time && (
          <>
            ,{' '}
            <time className="jp-mlops-time" dateTime={r.time} title={r.time}>
              {formatLocalTime(r.time)}
            </time>
          </>
        )}
      </p>
      {r.comment && <p className="jp-mlops-request-comment">“{r.comment}”</p>}
    </>
  );
}

/**
 * Review requests for a role the user holds, at the top of the panel, each
 * with a button to the sign-off control in that role.
 */
export function WaitingForYou(props: {
  requests: readonly IReviewRequest[];
  onSignOffAs?: (role: string) => void;
}): JSX.Element | null {
  const { requests, onSignOffAs } = props;
  const id = React.useId();
  if (requests.length === 0) {
    return null;
  }
  return (
    <section className="jp-mlops-waiting" data-testid="mlops-waiting" aria-labelledby={id}>
      <h4 className="jp-mlops-waiting-title" id={id}>
        Waiting for you
      </h4>
      <ul className="jp-mlops-requests">
        {requests.map(r => (
          <li key={r.id} data-role={r.role} data-testid="mlops-review-request">
            <RequestText request={r} />
            {onSignOffAs && (
              <button
                type="button"
                className="jp-mlops-button jp-mlops-primary"
                aria-label={`Review and sign off as ${r.role}`}
                onClick={() => onSignOffAs(r.role)}
              >
                Sign off as {r.role}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Review requests waiting for someone else, in the sign-off area. */
export function PendingRequests(props: { requests: readonly IReviewRequest[] }): JSX.Element | null {
  if (props.requests.length === 0) {
    return null;
  }
  return (
    <ul
      className="jp-mlops-requests jp-mlops-pending"
      data-testid="mlops-pending-requests"
      aria-label="Pending review requests"
    >
      {props.requests.map(r => (
        <li key={r.id} data-role={r.role} data-testid="mlops-review-request">
          <RequestText request={r} />
        </li>
      ))}
    </ul>
  );
}

/** Ask a role (among the required ones) to review this version, with an optional comment. */
export function ReviewRequestForm(props: {
  roles: readonly string[];
  defaultRole: string | null;
  onRequest: (input: IReviewRequestInput) => Promise<IReviewRequest>;
}): JSX.Element {
  const { roles, onRequest } = props;
  const [role, setRole] = React.useState(props.defaultRole ?? roles[0] ?? '');
  const [comment, setComment] = React.useState('');
  const { busy, error, done, run } = useSubmission();
  const id = React.useId();
  const ready = role !== '' && !busy;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!ready) {
      return;
    }
    const input: IReviewRequestInput = { role };
    if (comment.trim()) {
      input.comment = comment.trim();
    }
    await run(async () => {
      const made = await onRequest(input);
      setComment('');
      return `Asked for a ${made.role || role} review.`;
    });
  };

  return (
    <form
      className="jp-mlops-form jp-mlops-review-form"
      aria-label="Request a review"
      data-testid="mlops-review-form"
      onSubmit={submit}
    >
      <label htmlFor={`${id}-role`}>Role</label>
      <RoleSelect
        id={`${id}-role`}
        label="Role to ask for a review"
        name="role"
        roles={roles}
        value={role}
        onChange={setRole}
      />
      <label htmlFor={`${id}-comment`}>Comment (optional)</label>
      <textarea
        id={`${id}-comment`}
        className="jp-mlops-input"
        name="comment"
        rows={2}
        aria-label="Comment for the reviewer"
        value={comment}
        onChange={e => setComment(e.target.value)}
      />
      <SubmitActions
        label="Send the review request"
        text="Request review"
        busyText="Sending…"
        busy={busy}
        ready={ready}
        done={done}
        error={error}
      />
    </form>
  );
}

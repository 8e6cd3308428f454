import * as React from 'react';

import { ApiError, ISignoff, ISignoffInput, SignoffDecision } from '../api';
import { Outcome } from './ErrorMessage';

const DONE: Record<SignoffDecision, string> = {
  approve: 'Approved',
  refuse: 'Refused',
  revoke: 'Revoked'
};

/**
 * Approve, refuse (a comment is required) or revoke in one role. A refusal
 * by the server (separation of duties, identity) is shown right here.
 */
export function SignoffControls(props: {
  role: string;
  /** The role's latest sign-off on record: a "done" message shows while it is the one made here. */
  record: ISignoff | null;
  /** Who signs, in one short line (the person's name). */
  identity: string;
  approveBlocked: boolean;
  /** This user's approval of this exact version is on record: nothing to approve again. */
  alreadyApproved?: boolean;
  /** This user's approval is on record (revoking someone else's is not theirs to do). */
  canRevoke: boolean;
  onSignOff: (input: ISignoffInput) => Promise<ISignoff>;
}): JSX.Element {
  const { role, identity, approveBlocked, canRevoke, onSignOff } = props;
  const alreadyApproved = props.alreadyApproved === true;
  const [comment, setComment] = React.useState('');
  const [busy, setBusy] = React.useState<SignoffDecision | null>(null);
  const [error, setError] = React.useState<ApiError | null>(null);
  const [done, setDone] = React.useState<{ id: string; text: string } | null>(null);
  const record = props.record;
  const showDone = done !== null && record !== null && record.id === done.id && record.current;
  const id = React.useId();
  const hasComment = comment.trim() !== '';
  const who = identity ? ` as ${identity}` : '';

  const act = async (decision: SignoffDecision) => {
    setBusy(decision);
    setError(null);
    setDone(null);
    try {
      const made = await onSignOff({
        role,
        decision,
        comment: hasComment ? comment.trim() : undefined
      });
      setComment('');
      setDone({ id: made.id, text: `${DONE[decision]} in the ${role} role${who}.` });
    } catch (reason) {
      setError(ApiError.from(reason));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="jp-mlops-signoff-controls" data-testid="mlops-signoff-controls">
      <label htmlFor={`${id}-comment`}>Comment (required to refuse)</label>
      <textarea
        id={`${id}-comment`}
        className="jp-mlops-input"
        rows={2}
        aria-label={`Comment for the ${role} sign-off`}
        aria-describedby={`${id}-help`}
        value={comment}
        onChange={e => setComment(e.target.value)}
      />
      <p id={`${id}-help`} className="jp-mlops-muted jp-mlops-help">
        {alreadyApproved
          ? 'You approved this exact version. Revoke it, or refuse with a comment.'
          : approveBlocked
            ? 'Approving waits for the checklist; you can still refuse, with a comment.'
            : hasComment
              ? `Signs this exact version${who}.`
              : `Signs this exact version${who}. A refusal needs a comment.`}
      </p>
      <div className="jp-mlops-form-actions">
        {!alreadyApproved && (
          <button
            type="button"
            className="jp-mlops-button jp-mlops-approve"
            data-testid="mlops-approve"
            aria-label={`Approve as ${role}`}
            disabled={busy !== null || approveBlocked}
            onClick={() => void act('approve')}
          >
            {busy === 'approve' ? 'Approving…' : 'Approve'}
          </button>
        )}
        <button
          type="button"
          className="jp-mlops-button jp-mlops-refuse"
          data-testid="mlops-refuse"
          aria-label={`Refuse as ${role}`}
          disabled={busy !== null || !hasComment}
          title={hasComment ? undefined : 'Write a comment to refuse'}
          onClick={() => void act('refuse')}
        >
          {busy === 'refuse' ? 'Refusing…' : 'Refuse'}
        </button>
        {canRevoke && (
          <button
            type="button"
            className="jp-mlops-button jp-mlops-revoke"
            data-testid="mlops-revoke"
            aria-label={`Revoke the ${role} approval`}
            disabled={busy !== null}
            onClick={() => void act('revoke')}
          >
            {busy === 'revoke' ? 'Revoking…' : 'Revoke'}
          </button>
        )}
      </div>
      <Outcome done={showDone ? done.text : null} error={error} />
    </div>
  );
}

import * as React from 'react';

import { IApprovals, IMe, ISignoff, ISignoffInput, SignoffDecision } from '../api';
import { plural } from '../format';
import { Outcome } from './ErrorMessage';
import { RoleSelect } from './ReviewRequests';
import { useSubmission } from './useSubmission';

const DONE: Record<SignoffDecision, string> = {
  approve: 'Approved',
  refuse: 'Refused',
  revoke: 'Revoked'
};

const BUSY: Record<SignoffDecision, string> = {
  approve: 'Approving…',
  refuse: 'Refusing…',
  revoke: 'Revoking…'
};

/**
 * The one sign-off control: the role (a picker among those the user holds),
 * then approve, refuse (a comment is required) or revoke this user's approval.
 * A refusal by the server (separation of duties, identity) is shown right here.
 */
export function SignoffControls(props: {
  /** The roles the user may sign in, in the panel's order (at least one). */
  roles: readonly string[];
  role: string;
  onRole: (role: string) => void;
  approvals: IApprovals;
  me: IMe;
  onSignOff: (input: ISignoffInput) => Promise<ISignoff>;
  /** Moves the focus here (and into view) whenever this number changes. */
  focusRequest?: number;
}): JSX.Element {
  const { roles, role, onRole, approvals, me, onSignOff } = props;
  const record = approvals.signoffs[role] ?? null;
  // this user's own sign-off, whichever of their identities gave it (the CLI, a kernel, here)
  const approvedByMe = record !== null && record.person === me.person && record.kind === 'approved';
  const alreadyApproved = approvedByMe && record.current;
  const approveBlocked = approvals.blocking.length > 0;
  const [comment, setComment] = React.useState('');
  const [acting, setActing] = React.useState<SignoffDecision | null>(null);
  const [made, setMade] = React.useState<string | null>(null);
  const submission = useSubmission();
  const first = React.useRef<HTMLSelectElement & HTMLTextAreaElement>(null);
  const id = React.useId();
  const hasComment = comment.trim() !== '';
  const identity = me.name;
  const who = identity ? ` as ${identity}` : '';
  // the success line shows while the role's latest record is the one made here
  const showDone = submission.done !== null && record !== null && record.id === made && record.current;

  React.useEffect(() => {
    if (props.focusRequest !== undefined && first.current) {
      first.current.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
      first.current.focus({ preventScroll: true });
    }
  }, [props.focusRequest]);

  const act = async (decision: SignoffDecision) => {
    onRole(role); // stay on this role once the status refreshes (the default may move on)
    setActing(decision);
    await submission.run(async () => {
      const signoff = await onSignOff({
        role,
        decision,
        comment: hasComment ? comment.trim() : undefined
      });
      setComment('');
      setMade(signoff.id);
      return `${DONE[decision]} in the ${role} role${who}.`;
    });
    setActing(null);
  };
  const busy = submission.busy;
  const label = (decision: SignoffDecision, text: string) =>
    acting === decision ? BUSY[decision] : text;

  return (
    <div
      className="jp-mlops-signoff-controls"
      data-testid="mlops-signoff-controls"
      data-role={role}
      role="group"
      aria-label={`Sign off as ${role}`}
    >
      <div className="jp-mlops-signoff-role">
        {roles.length > 1 ? (
          <>
            <label htmlFor={`${id}-role`}>Sign as</label>
            <RoleSelect
              id={`${id}-role`}
              label="Role to sign off in"
              testId="mlops-signoff-role"
              roles={roles}
              value={role}
              onChange={onRole}
              selectRef={first}
            />
          </>
        ) : (
          <>
            <span className="jp-mlops-label">Sign as</span>{' '}
            <span className="jp-mlops-role-name" data-testid="mlops-signoff-role">
              {role}
            </span>
          </>
        )}
      </div>
      <textarea
        id={`${id}-comment`}
        ref={roles.length > 1 ? undefined : first}
        className="jp-mlops-input"
        rows={2}
        placeholder="Comment (required to refuse)"
        aria-label={`Comment for the ${role} sign-off`}
        aria-describedby={`${id}-help`}
        value={comment}
        onChange={e => setComment(e.target.value)}
      />
      <p id={`${id}-help`} className="jp-mlops-muted jp-mlops-help">
        {alreadyApproved
          ? 'You approved this exact version. Revoke it, or refuse with a comment.'
          : approveBlocked
            ? `Approving waits for ${plural(approvals.blocking.length, 'checklist item')} to pass; you can still refuse, with a comment.`
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
            disabled={busy || approveBlocked}
            onClick={() => void act('approve')}
          >
            {label('approve', 'Approve')}
          </button>
        )}
        <button
          type="button"
          className="jp-mlops-button jp-mlops-refuse"
          data-testid="mlops-refuse"
          aria-label={`Refuse as ${role}`}
          disabled={busy || !hasComment}
          title={hasComment ? undefined : 'Write a comment to refuse'}
          onClick={() => void act('refuse')}
        >
          {label('refuse', 'Refuse')}
        </button>
        {approvedByMe && (
          <button
            type="button"
            className="jp-mlops-button jp-mlops-revoke"
            data-testid="mlops-revoke"
            aria-label={`Revoke the ${role} approval`}
            disabled={busy}
            onClick={() => void act('revoke')}
          >
            {label('revoke', 'Revoke')}
          </button>
        )}
      </div>
      <Outcome done={showDone ? submission.done : null} error={submission.error} />
    </div>
  );
}

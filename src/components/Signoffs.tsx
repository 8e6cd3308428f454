import * as React from 'react';

import {
  IApprovals,
  IMe,
  IReviewRequest,
  IReviewRequestInput,
  ISignoff,
  ISignoffInput
} from '../api';
import { plural } from '../format';
import { defaultRequestRole, defaultSignRole, signoffRoles } from '../readiness';
import { Disclosure } from './Disclosure';
import { PendingRequests, ReviewRequestForm } from './ReviewRequests';
import { SignoffControls } from './SignoffControls';
import { SignoffRecord } from './SignoffRecord';

/**
 * The sign-offs the risk tier requires: a compact status row per role (who
 * signed, when, on which version, whether it still holds), then one control
 * to sign in the role the user picks among those they hold, the review
 * requests waiting for others and a form to ask for one.
 */
export function Signoffs(props: {
  approvals: IApprovals;
  me: IMe | null;
  onSignOff?: (input: ISignoffInput) => Promise<ISignoff>;
  /** Pending review requests for roles the user does not hold. */
  pendingRequests?: readonly IReviewRequest[];
  /** Every pending request (to pick the first role to sign or ask). */
  requests?: readonly IReviewRequest[];
  onRequestReview?: (input: IReviewRequestInput) => Promise<IReviewRequest>;
  /** The role the control shows (controlled); else it picks one itself. */
  role?: string | null;
  onRole?: (role: string) => void;
  focusRequest?: number;
}): JSX.Element {
  const { approvals, me, onSignOff, onRequestReview } = props;
  const requests = props.requests ?? [];
  const roles = signoffRoles(approvals);
  const held = roles.filter(r => (me?.roles ?? []).includes(r));
  const [ownRole, setOwnRole] = React.useState<string | null>(null);
  const picked = props.role ?? ownRole;
  const role =
    picked && held.includes(picked) ? picked : defaultSignRole(held, approvals, requests);
  return (
    <div className="jp-mlops-signoffs" data-testid="mlops-signoffs">
      <Verdict approvals={approvals} />
      <ul className="jp-mlops-roles" aria-label="Sign-offs by role">
        {roles.map(r => (
          <RoleRow
            key={r}
            role={r}
            required={approvals.required_roles.includes(r)}
            signoff={approvals.signoffs[r] ?? null}
            me={me}
          />
        ))}
      </ul>
      <PendingRequests requests={props.pendingRequests ?? []} />
      <Identity me={me} roles={roles} />
      {approvals.blocking.length > 0 && !(me && onSignOff && role) && (
        <p
          className="jp-mlops-warning jp-mlops-help"
          data-testid="mlops-approval-blocked"
          title={approvals.blocking.join(', ')}
        >
          Approving waits for {plural(approvals.blocking.length, 'checklist item')} to pass.
        </p>
      )}
      {me && onSignOff && role && (
        <SignoffControls
          roles={held}
          role={role}
          onRole={props.onRole ?? setOwnRole}
          approvals={approvals}
          me={me}
          onSignOff={onSignOff}
          focusRequest={props.focusRequest}
        />
      )}
      {onRequestReview && approvals.required_roles.length > 0 && (
        <div className="jp-mlops-request-review">
          <Disclosure label="Request a review" text="Request review…">
            <ReviewRequestForm
              roles={approvals.required_roles}
              defaultRole={defaultRequestRole(approvals, requests)}
              onRequest={onRequestReview}
            />
          </Disclosure>
        </div>
      )}
    </div>
  );
}

/**
 * May the notebook run in production, and if not, what else keeps it (the
 * failing checklist items are listed at the top).
 */
function Verdict(props: { approvals: IApprovals }): JSX.Element {
  const { approvals } = props;
  if (approvals.may_run) {
    return (
      <p className="jp-mlops-success" data-testid="mlops-verdict" data-may-run="true">
        Approved for production: every required role signed this exact version.
      </p>
    );
  }
  const problems = approvals.problems.filter(p => !p.startsWith('checklist item '));
  return (
    <div className="jp-mlops-verdict" data-testid="mlops-verdict" data-may-run="false">
      <p>Not approved for production yet.</p>
      {problems.length > 0 && (
        <ul className="jp-mlops-problems" aria-label="What keeps it from production">
          {problems.map((problem, i) => (
            <li key={`${problem}:${i}`}>{problem}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Who signs when this browser's user presses a button, in one short line: the
 * person's name and the roles they hold (the full identity in the tooltip).
 */
function Identity(props: { me: IMe | null; roles: readonly string[] }): JSX.Element {
  const { me } = props;
  if (!me) {
    return <p className="jp-mlops-muted">The server did not say who you are.</p>;
  }
  const tooltip =
    `Signing as ${me.identity || 'unknown user'}` +
    (me.roles.length > 0 ? ` in ${me.roles.join(', ')}` : '') +
    (me.single_user ? ' (single-user mode)' : '');
  return (
    <div className="jp-mlops-identity" data-testid="mlops-identity">
      <p className="jp-mlops-identity-line" title={tooltip}>
        <span className="jp-mlops-label">You</span>{' '}
        <span className="jp-mlops-identity-name">{me.name || me.identity || 'unknown user'}</span>
        {me.roles.length > 0 && (
          <span className="jp-mlops-identity-roles">
            {' · '}
            {props.roles.length > 1 && props.roles.every(r => me.roles.includes(r))
              ? 'every role'
              : me.roles.join(', ')}
          </span>
        )}
      </p>
      {me.roles.length === 0 && (
        <p className="jp-mlops-muted" data-testid="mlops-no-roles">
          {me.anonymous && !me.single_user
            ? 'Anonymous users cannot sign off: log in to Jupyter with a named account.'
            : 'You hold none of the roles that sign off this notebook.'}
        </p>
      )}
    </div>
  );
}

/** One role's status: its name, a chip (the latest sign-off's kind) and that sign-off in short. */
function RoleRow(props: {
  role: string;
  required: boolean;
  signoff: ISignoff | null;
  me: IMe | null;
}): JSX.Element {
  const { role, signoff, me } = props;
  const state = !signoff ? 'missing' : signoff.current ? signoff.kind : 'stale';
  const mine = signoff !== null && me !== null && signoff.person === me.person;
  return (
    <li className="jp-mlops-role" data-role={role} data-state={state} data-testid="mlops-role">
      <div className="jp-mlops-role-head">
        <span className="jp-mlops-role-name">{role}</span>
        <span className="jp-mlops-role-state" data-state={state}>
          {signoff ? signoff.kind : 'not signed'}
        </span>
        {!props.required && <span className="jp-mlops-muted">not required</span>}
      </div>
      {signoff && <SignoffRecord signoff={signoff} mine={mine} />}
    </li>
  );
}

import * as React from 'react';

import { IApprovals, IMe, ISignoff, ISignoffInput } from '../api';
import { SignoffControls } from './SignoffControls';
import { SignoffRecord } from './SignoffRecord';

/**
 * The sign-offs the risk tier requires: for each role who signed, when, on
 * which version and whether it still holds; approve/refuse controls for the
 * roles the server's user holds.
 */
export function Signoffs(props: {
  approvals: IApprovals;
  me: IMe | null;
  onSignOff?: (input: ISignoffInput) => Promise<ISignoff>;
}): JSX.Element {
  const { approvals, me, onSignOff } = props;
  const roles = [
    ...approvals.required_roles,
    ...Object.keys(approvals.signoffs).filter(r => !approvals.required_roles.includes(r))
  ];
  const held = me?.roles ?? [];
  return (
    <div className="jp-mlops-signoffs" data-testid="mlops-signoffs">
      <Identity me={me} roles={roles} />
      <Verdict approvals={approvals} />
      {approvals.blocking.length > 0 && (
        <p className="jp-mlops-warning" data-testid="mlops-approval-blocked">
          Approval is blocked until these checklist items pass: {approvals.blocking.join(', ')}.
        </p>
      )}
      <ul className="jp-mlops-roles">
        {roles.map(role => (
          <RoleRow
            key={role}
            role={role}
            required={approvals.required_roles.includes(role)}
            signoff={approvals.signoffs[role] ?? null}
            canSign={onSignOff !== undefined && held.includes(role)}
            approveBlocked={approvals.blocking.length > 0}
            me={me}
            onSignOff={onSignOff}
          />
        ))}
      </ul>
    </div>
  );
}

/**
 * May the notebook run in production, and if not, what else keeps it (the
 * failing checklist items are listed just below).
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

function RoleRow(props: {
  role: string;
  required: boolean;
  signoff: ISignoff | null;
  canSign: boolean;
  approveBlocked: boolean;
  me: IMe | null;
  onSignOff?: (input: ISignoffInput) => Promise<ISignoff>;
}): JSX.Element {
  const { role, signoff, canSign, onSignOff, me } = props;
  const state = !signoff ? 'missing' : signoff.current ? signoff.kind : 'stale';
  // this user's own sign-off, whichever of their identities gave it (the CLI, a kernel, here)
  const mine = signoff !== null && me !== null && signoff.person === me.person;
  const approvedByMe = mine && signoff.kind === 'approved';
  return (
    <li className="jp-mlops-role" data-role={role} data-state={state} data-testid="mlops-role">
      <div className="jp-mlops-role-head">
        <span className="jp-mlops-role-name">{role}</span>
        {!props.required && <span className="jp-mlops-muted"> (not required for this tier)</span>}
      </div>
      <SignoffRecord signoff={signoff} mine={mine} />
      {canSign && onSignOff && (
        <SignoffControls
          role={role}
          record={signoff}
          identity={me?.name ?? ''}
          approveBlocked={props.approveBlocked}
          alreadyApproved={approvedByMe && signoff.current}
          canRevoke={approvedByMe}
          onSignOff={onSignOff}
        />
      )}
    </li>
  );
}

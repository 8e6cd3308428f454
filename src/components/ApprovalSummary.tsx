import * as React from 'react';

import { IApprovals } from '../api';
import { approvalState } from '../approvalState';

/** "current (business, risk)", "STALE: changed since: the notebook's code", "none yet". */
export function ApprovalSummary(props: { approvals: IApprovals }): JSX.Element {
  const { approvals } = props;
  const s = approvalState(approvals);
  const required = approvals.required_roles.length;
  return (
    <span
      className="jp-mlops-approval-summary"
      data-state={s.state}
      data-testid="mlops-approval-state"
    >
      {s.state === 'none' && <span className="jp-mlops-muted">none yet</span>}
      {s.state === 'current' && (
        <span className="jp-mlops-approval-current">
          current ({s.approved.length} of {required}: {s.approved.join(', ')})
        </span>
      )}
      {s.state === 'stale' && (
        <>
          <span className="jp-mlops-badge jp-mlops-stale-badge">STALE</span>{' '}
          <span className="jp-mlops-approval-stale-roles">{s.stale.join(', ')}</span>
          {s.changed.length > 0 && (
            <span className="jp-mlops-approval-changed" data-testid="mlops-stale-because">
              {' '}
              (changed since: {s.changed.join(', ')})
            </span>
          )}
        </>
      )}
      {approvals.may_run && ' '}
      {approvals.may_run && (
        <span
          className="jp-mlops-badge jp-mlops-may-run"
          title="Every required role approved this exact version"
        >
          may run in production
        </span>
      )}
    </span>
  );
}

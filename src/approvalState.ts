/**
 * Whether the approvals on record still hold (pure: no DOM, no React).
 */
import type { IApprovals, ISignoff } from './types';

export interface IApprovalState {
  /**
   * - `none`: nobody approved in any required role;
   * - `current`: every approval on record is for the notebook as it is now;
   * - `stale`: at least one approval was given on an earlier bundle.
   */
  readonly state: 'none' | 'current' | 'stale';
  /** Roles with a current approval. */
  readonly approved: string[];
  /** Roles whose approval is stale. */
  readonly stale: string[];
  /** What changed since the stale approvals ("the notebook's code", ...). */
  readonly changed: string[];
}

function isApproval(s: ISignoff | null): s is ISignoff {
  return s !== null && s.kind === 'approved';
}

export function approvalState(approvals: IApprovals): IApprovalState {
  const approved: string[] = [];
  const stale: string[] = [];
  for (const [role, signoff] of Object.entries(approvals.signoffs)) {
    if (isApproval(signoff)) {
      (signoff.current ? approved : stale).push(role);
    }
  }
  const changed = approvals.stale_because;
  const state = stale.length > 0 ? 'stale' : approved.length > 0 ? 'current' : 'none';
  return { state, approved, stale, changed };
}

/**
 * What needs the user, from the panel document (pure: no DOM, no React): what
 * blocks the notebook's next stage, what can wait, what passes; which review
 * requests wait for the user; which role to sign in or to ask first.
 */
import type {
  Gate,
  IApprovals,
  IMe,
  IReport,
  IReportItem,
  IReviewRequest
} from './types';

/** The stage after `stage`, and the gate (report.blocking key) whose items block it. */
export interface INextStage {
  /** The next stage's name, or null (in production, retired). */
  readonly next: string | null;
  /** Items failing up to this gate block the next stage; null: none do. */
  readonly gate: Gate | null;
}

/** draft → ready for review (review items) → approved (every item) → in production (a batch run). */
export function nextStage(stage: string): INextStage {
  switch (stage) {
    case 'draft':
      return { next: 'ready for review', gate: 'review' };
    case 'ready for review':
      return { next: 'approved', gate: 'production' };
    case 'approved':
      return { next: 'in production', gate: null };
    case 'in production':
    case 'retired':
      return { next: null, gate: null };
    default:
      return { next: null, gate: 'production' };
  }
}

/** The report's items by what they ask of the user now. */
export interface IChecklistSplit {
  readonly next: string | null;
  /** Failing items that block the next stage, in the report's order. */
  readonly blockers: IReportItem[];
  /** Failing items that gate a later stage only. */
  readonly later: IReportItem[];
  /** Items that pass or are waived. */
  readonly passing: IReportItem[];
}

export function splitChecklist(report: IReport): IChecklistSplit {
  const { next, gate } = nextStage(report.stage);
  const blocking = new Set(gate ? report.blocking[gate] : []);
  const failing = report.items.filter(i => i.status === 'fail');
  return {
    next,
    blockers: failing.filter(i => blocking.has(i.id)),
    later: failing.filter(i => !blocking.has(i.id)),
    passing: report.items.filter(i => i.status !== 'fail')
  };
}

/** Whether a blocker of the next stage is evaluated by `check` (e.g. `documentation_complete`). */
export function blockedBy(report: IReport | null, check: string): boolean {
  return report !== null && splitChecklist(report).blockers.some(i => i.check === check);
}

/** Requests for a role the user holds ("waiting for you"), and the others. */
export function splitRequests(
  requests: readonly IReviewRequest[],
  me: IMe | null
): { mine: IReviewRequest[]; others: IReviewRequest[] } {
  const held = new Set(me?.roles ?? []);
  return {
    mine: requests.filter(r => held.has(r.role)),
    others: requests.filter(r => !held.has(r.role))
  };
}

/** Every role the sign-offs show: the required ones, then any other that signed. */
export function signoffRoles(approvals: IApprovals): string[] {
  return [
    ...approvals.required_roles,
    ...Object.keys(approvals.signoffs).filter(r => !approvals.required_roles.includes(r))
  ];
}

function approvedNow(approvals: IApprovals, role: string): boolean {
  const s = approvals.signoffs[role];
  return !!s && s.kind === 'approved' && s.current;
}

/**
 * The role the sign-off control starts on, among `held`: one a review request
 * waits for, else a required one without a current approval, else the first.
 */
export function defaultSignRole(
  held: readonly string[],
  approvals: IApprovals,
  requests: readonly IReviewRequest[]
): string | null {
  const requested = held.find(r => requests.some(q => q.role === r));
  const open = held.find(r => approvals.required_roles.includes(r) && !approvedNow(approvals, r));
  return requested ?? open ?? held[0] ?? null;
}

/** The role a review request starts on: a required one nobody approved or was asked yet. */
export function defaultRequestRole(
  approvals: IApprovals,
  requests: readonly IReviewRequest[]
): string | null {
  const roles = approvals.required_roles;
  return (
    roles.find(r => !approvedNow(approvals, r) && !requests.some(q => q.role === r)) ??
    roles.find(r => !approvedNow(approvals, r)) ??
    roles[0] ??
    null
  );
}

/**
 * Turn the server's JSON into the shapes of types.ts, filling in defaults, so
 * that the views never trip over a missing field or a value of another type
 * (an older server extension, a hand-edited config).
 */
import type {
  IApprovals,
  IChallenger,
  IChampion,
  IDriftFlag,
  IProduction,
  IProductionRun,
  IProductionSide,
  IContextField,
  ICoverageEntry,
  IDecision,
  IDocumentation,
  IDocumentChanges,
  IDocumentCoverage,
  IGeneratedDocuments,
  IEntryRef,
  IEvidence,
  IMe,
  INeedsReview,
  INotebookStatus,
  IPortfolio,
  IPortfolioBatch,
  IPortfolioDocument,
  IPortfolioDocumentation,
  IPortfolioNotebook,
  IPortfolioProject,
  IReport,
  IReportItem,
  IReviewRequest,
  ISignoff,
  ITimelineEntry,
  ItemStatus
} from './types';
import { shortIdentity } from './format';

type Raw = Record<string, any>;

export function obj(value: unknown): Raw {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {};
}

function str(value: unknown, fallback = ''): string {
  return value === null || value === undefined ? fallback : String(value);
}

export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(v => String(v)) : [];
}

function list<T>(value: unknown, each: (raw: Raw) => T): T[] {
  return Array.isArray(value) ? value.map(v => each(obj(v))) : [];
}

function count(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : 0;
}

/** `GET notebook`: the whole status of one notebook. */
export function normalizeStatus(raw: unknown, path: string): INotebookStatus {
  const body = obj(raw);
  const counts = obj(body.counts);
  const decisions = list(body.decisions, normalizeDecision);
  const project = body.project ? obj(body.project) : null;
  return {
    path: typeof body.path === 'string' ? body.path : path,
    project: project
      ? {
          root: str(project.root),
          name: str(project.name),
          template: str(project.template),
          risk_tier: str(project.risk_tier),
          context: factRecord(project.context),
          context_form: list(project.context_form, normalizeContextField)
        }
      : null,
    hint: typeof body.hint === 'string' ? body.hint : undefined,
    notebook: {
      exists: body.notebook?.exists ?? true,
      fingerprint: strOrNull(body.notebook?.fingerprint)
    },
    counts: {
      entries: count(counts.entries),
      notebook_entries: count(counts.notebook_entries),
      decisions: counts.decisions === undefined ? decisions.length : count(counts.decisions)
    },
    decisions,
    ledger: {
      entries: count(body.ledger?.entries),
      head: strOrNull(body.ledger?.head)
    },
    me: body.me ? normalizeMe(body.me) : null,
    report: body.report ? normalizeReport(body.report) : null,
    approvals: body.approvals ? normalizeApprovals(body.approvals) : null,
    documentation: body.documentation ? normalizeDocumentation(body.documentation) : null,
    production: body.production ? normalizeProduction(body.production) : null,
    timeline: list(body.timeline, normalizeTimelineEntry),
    names: stringMap(body.names),
    review_requests: list(body.review_requests, normalizeReviewRequest).filter(r => r.role),
    needs_review: body.needs_review ? normalizeNeedsReview(body.needs_review) : null
  };
}

/** A pending review request (`review_requests[]`, `POST review-requests`). */
export function normalizeReviewRequest(raw: unknown): IReviewRequest {
  const r = obj(raw);
  return {
    id: str(r.id),
    role: str(r.role),
    requester: str(r.requester),
    time: str(r.time),
    comment: strOrNull(r.comment)
  };
}

function normalizeNeedsReview(raw: unknown): INeedsReview {
  const n = obj(raw);
  const columns: unknown[] = Array.isArray(n.columns) ? n.columns : [];
  const flags = columns.filter(c => c && typeof c === 'object').map(c => driftFlag(obj(c)));
  return {
    reason: str(n.reason, 'drift was flagged in the last batch run'),
    batch_id: strOrNull(n.batch_id),
    time: strOrNull(n.time),
    // the server names each column with its dataset and PSI (`flags`); older ones as text
    columns: columns.map(c =>
      c && typeof c === 'object' ? `${str(obj(c).dataset)}.${str(obj(c).column)}` : String(c)
    ),
    ...(typeof n.fix === 'string' ? { fix: n.fix } : {}),
    ...(typeof n.entry === 'string' ? { entry: n.entry } : {}),
    ...('threshold' in n ? { threshold: numOrNull(n.threshold) } : {}),
    ...(flags.length ? { flags } : {})
  };
}

function driftFlag(c: Raw): IDriftFlag {
  return {
    dataset: str(c.dataset),
    column: str(c.column),
    psi: numOrNull(c.psi),
    problem: strOrNull(c.problem)
  };
}

/** The registry facts: text, or null when not recorded (anything else is dropped). */
export function factRecord(raw: unknown): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(obj(raw))) {
    if (typeof value === 'string' || value === null) {
      out[key] = value === '' ? null : value;
    }
  }
  return out;
}

function normalizeContextField(raw: Raw): IContextField {
  const key = str(raw.key);
  return {
    key,
    label: str(raw.label, key),
    help: str(raw.help),
    max_length: count(raw.max_length) || 2000,
    multiline: raw.multiline === true
  };
}

function numberMap(raw: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(obj(raw))) {
    out[key] = count(value);
  }
  return out;
}

function normalizeCoverage(raw: Raw): IDocumentCoverage {
  const totals = numberMap(raw.totals);
  const entries = list(raw.entries, (e): ICoverageEntry => ({
    key: str(e.key),
    status: str(e.status, 'missing'),
    title: str(e.title, str(e.key)),
    needs: strOrNull(e.needs)
  }));
  return {
    file: strOrNull(raw.file),
    totals,
    total: raw.total === undefined ? entries.length : count(raw.total),
    missing: strings(raw.missing),
    entries
  };
}

export function normalizeDocumentation(raw: unknown): IDocumentation {
  const d = obj(raw);
  const documents: Record<string, IDocumentCoverage> = {};
  for (const [kind, value] of Object.entries(obj(d.documents))) {
    documents[kind] = normalizeCoverage(obj(value));
  }
  return {
    generated: strOrNull(d.generated),
    time: strOrNull(d.time),
    actor: strOrNull(d.actor),
    format: strOrNull(d.format),
    stale: typeof d.stale === 'boolean' ? d.stale : null,
    stale_because: strings(d.stale_because),
    documents
  };
}

function normalizeChanges(raw: unknown): IDocumentChanges | null {
  if (!raw || typeof raw !== 'object') {
    return null;
  }
  const c = obj(raw);
  return { changed: strings(c.changed), added: strings(c.added), removed: strings(c.removed) };
}

/** `POST documentation` */
export function normalizeGenerated(raw: unknown): IGeneratedDocuments {
  const g = obj(raw);
  const documents: IGeneratedDocuments['documents'] = {};
  for (const [kind, value] of Object.entries(obj(g.documents))) {
    const d = obj(value);
    documents[kind] = { file: str(d.file), changes: normalizeChanges(d.changes) };
  }
  return { entry: str(g.entry), previous: strOrNull(g.previous), documents };
}

function stringMap(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(obj(raw))) {
    if (typeof value === 'string') {
      out[key] = value;
    }
  }
  return out;
}

export function normalizeDecision(raw: unknown): IDecision {
  const d = obj(raw);
  const id = str(d.id);
  return {
    id,
    short_id: str(d.short_id, id.slice(0, 12)),
    title: str(d.title),
    why: str(d.why),
    alternatives: strOrNull(d.alternatives),
    tags: strings(d.tags),
    links: strings(d.links),
    actor: str(d.actor),
    time: str(d.time),
    cell_id: strOrNull(d.cell_id),
    fingerprint: strOrNull(d.fingerprint),
    current: d.current !== false
  };
}

export function normalizeMe(raw: unknown): IMe {
  const me = obj(raw);
  const identity = str(me.identity);
  return {
    identity,
    name: str(me.name, shortIdentity(identity)),
    person: str(me.person, `identity:${identity}`),
    anonymous: me.anonymous === true,
    single_user: me.single_user === true,
    roles: strings(me.roles)
  };
}

function normalizeEntryRef(raw: unknown): IEntryRef | null {
  if (!raw || typeof raw !== 'object') {
    return null;
  }
  const e = obj(raw);
  return { id: str(e.id), actor: str(e.actor), time: str(e.time), why: strOrNull(e.why) };
}

function normalizeEvidence(raw: Raw): IEvidence {
  return { kind: str(raw.kind), ref: str(raw.ref), label: str(raw.label, str(raw.ref)) };
}

const ITEM_STATUSES: readonly string[] = ['pass', 'fail', 'waived'];

function normalizeItem(raw: Raw): IReportItem {
  const status = ITEM_STATUSES.includes(raw.status) ? (raw.status as ItemStatus) : 'fail';
  return {
    id: str(raw.id),
    title: str(raw.title, str(raw.id)),
    status,
    gates: str(raw.gates, 'review'),
    detail: str(raw.detail),
    evidence: list(raw.evidence, normalizeEvidence),
    why: str(raw.why),
    fix: str(raw.fix),
    check: str(raw.check),
    waivable: raw.waivable === true,
    waiver: normalizeEntryRef(raw.waiver)
  };
}

export function normalizeReport(raw: unknown): IReport {
  const r = obj(raw);
  const blocking = obj(r.blocking);
  return {
    notebook: str(r.notebook),
    fingerprint: strOrNull(r.fingerprint),
    project: str(r.project),
    template: str(r.template),
    risk_tier: str(r.risk_tier),
    stage: str(r.stage, 'draft'),
    retired: normalizeEntryRef(r.retired),
    last_batch_run: strOrNull(r.last_batch_run),
    items: list(r.items, normalizeItem),
    blocking: {
      review: strings(blocking.review),
      approval: strings(blocking.approval),
      production: strings(blocking.production)
    }
  };
}

export function normalizeSignoff(raw: unknown): ISignoff {
  const s = obj(raw);
  return {
    id: str(s.id),
    kind: str(s.kind),
    role: str(s.role),
    actor: str(s.actor),
    person: str(s.person, `identity:${str(s.actor)}`),
    name: str(s.name, shortIdentity(str(s.actor))),
    time: str(s.time),
    comment: strOrNull(s.comment),
    fingerprint: strOrNull(s.fingerprint),
    current: s.current !== false
  };
}

export function normalizeApprovals(raw: unknown): IApprovals {
  const a = obj(raw);
  const bundle = obj(a.bundle);
  const signoffs: Record<string, ISignoff | null> = {};
  const rawSignoffs = obj(a.signoffs);
  const required = Array.isArray(a.required_roles)
    ? strings(a.required_roles)
    : Object.keys(rawSignoffs);
  for (const role of required) {
    signoffs[role] = null;
  }
  for (const [role, value] of Object.entries(rawSignoffs)) {
    signoffs[role] = value ? normalizeSignoff({ role, ...obj(value) }) : null;
  }
  return {
    notebook: str(a.notebook),
    may_run: a.may_run === true,
    bundle: {
      fingerprint: strOrNull(bundle.fingerprint),
      parameters: bundle.parameters ?? null,
      data: bundle.data ?? null,
      runs: bundle.runs ?? null,
      checklist: bundle.checklist ?? null,
      digest: strOrNull(bundle.digest)
    },
    required_roles: required,
    signoffs,
    blocking: strings(a.blocking),
    stale_because: strings(a.stale_because),
    problems: strings(a.problems)
  };
}

export function normalizeTimelineEntry(raw: unknown): ITimelineEntry {
  const e = obj(raw);
  const id = str(e.id);
  const mlflow = e.mlflow ? obj(e.mlflow) : null;
  return {
    id,
    short_id: str(e.short_id, id.slice(0, 12)),
    kind: str(e.kind),
    time: str(e.time),
    actor: str(e.actor),
    summary: str(e.summary),
    links: strings(e.links),
    fingerprint: strOrNull(e.fingerprint),
    current: e.current !== false,
    mlflow:
      mlflow && mlflow.run_id
        ? { run_id: str(mlflow.run_id), experiment_id: str(mlflow.experiment_id) }
        : null
  };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function normalizePortfolioBatch(value: unknown): IPortfolioBatch | null {
  if (!value || typeof value !== 'object') {
    return null;
  }
  const raw = obj(value);
  return {
    id: str(raw.id),
    status: str(raw.status),
    time: strOrNull(raw.time),
    drift_threshold: numberOrNull(raw.drift_threshold),
    drift: list(raw.drift, d => ({
      dataset: str(d.dataset),
      column: str(d.column),
      psi: numberOrNull(d.psi),
      problem: strOrNull(d.problem)
    }))
  };
}

function normalizePortfolioDocumentation(value: unknown): IPortfolioDocumentation {
  const raw = obj(value);
  const documents: Record<string, IPortfolioDocument> = {};
  for (const [kind, doc] of Object.entries(obj(raw.documents))) {
    const d = obj(doc);
    documents[kind] = {
      covered: count(d.covered),
      total: count(d.total),
      missing: strings(d.missing)
    };
  }
  return {
    generated: strOrNull(raw.generated),
    time: strOrNull(raw.time),
    stale: typeof raw.stale === 'boolean' ? raw.stale : null,
    documents
  };
}

function normalizePortfolioNotebook(raw: Raw): IPortfolioNotebook {
  return {
    path: str(raw.path),
    stage: str(raw.stage),
    failing: count(raw.failing),
    failing_items: strings(raw.failing_items),
    blocking_approval: strings(raw.blocking_approval),
    stale: raw.stale === true,
    stale_because: strings(raw.stale_because),
    may_run: raw.may_run === true,
    flags: strings(raw.flags),
    reviews: list(raw.reviews, r => ({
      role: str(r.role),
      id: str(r.id),
      time: strOrNull(r.time),
      requester: strOrNull(r.requester)
    })),
    batch: normalizePortfolioBatch(raw.batch),
    documentation: normalizePortfolioDocumentation(raw.documentation),
    last_activity: strOrNull(raw.last_activity),
    error: strOrNull(raw.error)
  };
}

/** The string values of an object (anything else is dropped). */
function textRecord(value: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(obj(value)).filter((pair): pair is [string, string] => typeof pair[1] === 'string')
  );
}

function normalizePortfolioProject(raw: Raw): IPortfolioProject {
  return {
    root: str(raw.root),
    name: str(raw.name, str(raw.root)),
    template: str(raw.template),
    risk_tier: str(raw.risk_tier),
    context: textRecord(raw.context),
    error: strOrNull(raw.error),
    notebooks: list(raw.notebooks, normalizePortfolioNotebook)
  };
}

/** `GET portfolio` */
export function normalizePortfolio(raw: unknown): IPortfolio {
  const body = obj(raw);
  return {
    projects: list(body.projects, normalizePortfolioProject),
    truncated: body.truncated === true,
    flags: textRecord(body.flags),
    limits: {
      projects: count(obj(body.limits).projects),
      notebooks: count(obj(body.limits).notebooks)
    }
  };
}

// --- the champion and challenger, and needs review ----------------------------------------

function numOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function numbers(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(obj(value))) {
    if (typeof v === 'number' && Number.isFinite(v)) {
      out[key] = v;
    }
  }
  return out;
}

function run(raw: Raw): IProductionRun {
  return {
    id: str(raw.id),
    name: strOrNull(raw.name),
    experiment_id: strOrNull(raw.experiment_id),
    metrics: numbers(raw.metrics)
  };
}

function side(raw: Raw): IProductionSide {
  return {
    bundle_digest: str(raw.bundle_digest),
    data: list(raw.data, d => ({
      name: strOrNull(d.name),
      version: numOrNull(d.version),
      entry: str(d.entry)
    })),
    runs: list(raw.runs, run)
  };
}

/** `production` of the notebook document. */
export function normalizeProduction(raw: unknown): IProduction {
  const body = obj(raw);
  const champion = obj(body.champion);
  const challenger = body.challenger ? obj(body.challenger) : null;
  const first: IChampion = {
    ...side(champion),
    approved_at: str(champion.approved_at),
    approved_by_roles: textRecord(champion.approved_by_roles),
    approvals: strings(champion.approvals)
  };
  const second: IChallenger | null = challenger
    ? {
        ...side(challenger),
        changes: strings(challenger.changes),
        champion_runs_meanwhile: challenger.champion_runs_meanwhile === true,
        awaiting: strings(challenger.awaiting)
      }
    : null;
  return { champion: first, challenger: second };
}

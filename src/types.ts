/**
 * The shapes of the REST API's JSON (`<baseUrl>mlops/api/...`), as the views
 * use them after normalization (see normalize.ts): every field is present.
 */

/** The MLOps project a notebook belongs to. */
export interface IProjectInfo {
  /** Project root folder, relative to the server root. */
  root: string;
  name: string;
  template: string;
  risk_tier: string;
  /** The registry facts (owner, intended_purpose, ...), in order; null when not recorded. */
  context: Record<string, string | null>;
  /** How a form shows each fact, in order (from the server's description of them). */
  context_form: IContextField[];
}

/** One registry fact as a form shows it. */
export interface IContextField {
  key: string;
  label: string;
  /** What the fact means, in a few words. */
  help: string;
  max_length: number;
  /** Free text over several lines, or a name on one. */
  multiline: boolean;
}

/** A key decision recorded in the ledger. */
export interface IDecision {
  id: string;
  short_id: string;
  title: string;
  why: string;
  alternatives: string | null;
  tags: string[];
  links: string[];
  actor: string;
  /** UTC time, ISO 8601. */
  time: string;
  cell_id: string | null;
  /** Fingerprint of the notebook version the decision was recorded on. */
  fingerprint: string | null;
  /** False when the decision was recorded on an earlier version of the notebook. */
  current: boolean;
}

/** Who the Jupyter server says the browser's user is, and the roles they may sign in. */
export interface IMe {
  /** The identity the server acts as (in single-user mode: the kernel's and the CLI's). */
  identity: string;
  /** The person's name (or the identity, shortened): one short line. */
  name: string;
  /** `person:NAME` or `identity:ACTOR`: compare with `ISignoff.person`. */
  person: string;
  anonymous: boolean;
  /** The project allows Jupyter's anonymous user to sign off (local single-user mode). */
  single_user: boolean;
  roles: string[];
}

/** Lifecycle stages, in order. */
export const STAGES = [
  'draft',
  'ready for review',
  'approved',
  'in production',
  'retired'
] as const;
export type Stage = (typeof STAGES)[number];

/** The stage each checklist item must pass before (its gate), in order. */
export const GATES = ['review', 'approval', 'production'] as const;
export type Gate = (typeof GATES)[number];

export type ItemStatus = 'pass' | 'fail' | 'waived';

/** Something a checklist outcome rests on. */
export interface IEvidence {
  kind: 'entry' | 'mlflow-run' | 'mlflow-artifact' | 'data' | 'file' | 'cell' | string;
  /**
   * An entry hash, an MLflow run id, `RUN_ID/PATH` of a run's artifact, a file
   * name, a cell index (as text).
   */
  ref: string;
  label: string;
}

/** A ledger entry in short: who did what, when and why. */
export interface IEntryRef {
  id: string;
  actor: string;
  time: string;
  why: string | null;
}

/** One checklist item, evaluated from evidence. */
export interface IReportItem {
  id: string;
  title: string;
  status: ItemStatus;
  gates: Gate | string;
  detail: string;
  evidence: IEvidence[];
  why: string;
  /** How to fix it: prose, a CLI command or a `%mlops` magic. */
  fix: string;
  check: string;
  waivable: boolean;
  waiver: IEntryRef | null;
}

/** The readiness report of a notebook (null when it is in no project). */
export interface IReport {
  notebook: string;
  fingerprint: string | null;
  project: string;
  template: string;
  risk_tier: string;
  stage: Stage | string;
  retired: IEntryRef | null;
  last_batch_run: string | null;
  items: IReportItem[];
  blocking: { review: string[]; approval: string[]; production: string[] };
}

export type SignoffKind = 'approved' | 'refused' | 'revoked';

/** The latest sign-off entry in one role. */
export interface ISignoff {
  id: string;
  kind: SignoffKind | string;
  role: string;
  /** The identity that signed, as recorded. */
  actor: string;
  /** Who signed: the same key as `IMe.person` when it was this user, by any identity. */
  person: string;
  /** How to show the signer in one short line. */
  name: string;
  time: string;
  comment: string | null;
  /** Fingerprint of the notebook version that was signed. */
  fingerprint: string | null;
  /** False when the bundle changed since (the sign-off is stale). */
  current: boolean;
}

/** What an approval is bound to. */
export interface IBundle {
  fingerprint: string | null;
  parameters: unknown;
  data: unknown;
  runs: unknown;
  checklist: unknown;
  digest: string | null;
}

/** May the notebook run in production, and which sign-offs are on record. */
export interface IApprovals {
  notebook: string;
  may_run: boolean;
  bundle: IBundle;
  required_roles: string[];
  /** role → its latest sign-off, or null when nobody signed in that role. */
  signoffs: Record<string, ISignoff | null>;
  /** Checklist items that block approval. */
  blocking: string[];
  /** What changed since the stale sign-offs, in words. */
  stale_because: string[];
  problems: string[];
}

/** One of the notebook's ledger entries. */
export interface ITimelineEntry {
  id: string;
  short_id: string;
  kind: string;
  time: string;
  actor: string;
  /** One line of text. */
  summary: string;
  /** `entry:<hash>`, `mlflow-run:<id>`, ... */
  links: string[];
  fingerprint: string | null;
  current: boolean;
  mlflow: { run_id: string; experiment_id: string } | null;
}

/** How a counted section of a generated document is covered. */
export type CoverageStatus = 'evidence' | 'author' | 'not_applicable' | 'missing';

/** One counted section (an Annex IV point such as "1(a)", or a model-card section). */
export interface ICoverageEntry {
  key: string;
  status: CoverageStatus | string;
  title: string;
  /** What the author should write, while the section is missing. */
  needs: string | null;
}

/** A generated document's coverage, as recorded when it was generated. */
export interface IDocumentCoverage {
  /** Relative to the project root. */
  file: string | null;
  /** status → how many sections. */
  totals: Record<string, number>;
  total: number;
  /** The keys of the missing sections, in order. */
  missing: string[];
  entries: ICoverageEntry[];
}

/** The notebook's newest generated documents (the model card and Annex IV). */
export interface IDocumentation {
  /** The `documentation.generated` entry; null when nothing was generated yet. */
  generated: string | null;
  time: string | null;
  actor: string | null;
  format: string | null;
  /** True when the bundle changed since; null when nothing was generated yet. */
  stale: boolean | null;
  stale_because: string[];
  /** Per document kind (`annex-iv`, `model-card`). */
  documents: Record<string, IDocumentCoverage>;
}

/** What changed in one document since its previous version, by section key. */
export interface IDocumentChanges {
  changed: string[];
  added: string[];
  removed: string[];
}

/** `POST mlops/api/documentation` */
export interface IGeneratedDocuments {
  entry: string;
  /** The previous generation's entry, when there was one. */
  previous: string | null;
  documents: Record<string, { file: string; changes: IDocumentChanges | null }>;
}

/** A drifted input column a batch run flagged. */
export interface IDriftFlag {
  dataset: string;
  column: string;
  /** Null when the column could not be compared (see `problem`). */
  psi: number | null;
  problem: string | null;
}

/** One run of a champion or challenger bundle, with its key metrics. */
export interface IProductionRun {
  /** MLflow run id. */
  id: string;
  name: string | null;
  experiment_id: string | null;
  /** The template's required metrics, as the run logged them. */
  metrics: Record<string, number>;
}

/** The data versions and runs of one bundle. */
export interface IProductionSide {
  bundle_digest: string;
  data: { name: string | null; version: number | null; entry: string }[];
  runs: IProductionRun[];
}

/** The newest bundle every required role approved: what batch runs use. */
export interface IChampion extends IProductionSide {
  approved_at: string;
  /** role → who approved it, in one short line. */
  approved_by_roles: Record<string, string>;
  approvals: string[];
}

/** The current bundle, when it is not the champion (after a retraining, say). */
export interface IChallenger extends IProductionSide {
  /** What differs from the champion, in words. */
  changes: string[];
  /** Only data versions, runs or prompts differ: batch runs keep using the champion. */
  champion_runs_meanwhile: boolean;
  /** Required roles that have not approved it yet. */
  awaiting: string[];
}

/** The champion in production and its challenger awaiting sign-off. */
export interface IProduction {
  champion: IChampion;
  challenger: IChallenger | null;
}

/** `GET mlops/api/notebook?path=...` */
export interface INotebookStatus {
  path: string;
  project: IProjectInfo | null;
  /** What to do when `project` is null. */
  hint?: string;
  notebook: { exists: boolean; fingerprint: string | null };
  counts: { entries: number; notebook_entries: number; decisions: number };
  decisions: IDecision[];
  ledger: { entries: number; head: string | null };
  /** Null when the server does not say (an older server extension). */
  me: IMe | null;
  report: IReport | null;
  approvals: IApprovals | null;
  /** Null when the notebook is in no project (or the server does not say). */
  documentation: IDocumentation | null;
  /** The champion and its challenger; null without an approved bundle. */
  production?: IProduction | null;
  /** Newest first. */
  timeline: ITimelineEntry[];
  /** Identity → short name, for every actor the document shows. */
  names: Record<string, string>;
  /** Pending review requests for this notebook (empty from an older server). */
  review_requests: IReviewRequest[];
  /** Drift flagged in the last batch run, or null. */
  needs_review: INeedsReview | null;
}

/** A role asked to review the notebook, pending until a sign-off or refusal in that role. */
export interface IReviewRequest {
  id: string;
  role: string;
  /** The identity that asked (show it through `names`). */
  requester: string;
  time: string;
  comment: string | null;
}

/** The last batch run flagged drift: the notebook needs a human review. */
export interface INeedsReview {
  reason: string;
  batch_id: string | null;
  time: string | null;
  /** The input columns that drifted (`dataset.column`). */
  columns: string[];
  /** What answers it (retraining, then the sign-offs); absent from an older server. */
  fix?: string;
  /** The `batch.run` entry that flagged it. */
  entry?: string;
  /** The PSI over which a column is flagged. */
  threshold?: number | null;
  /** Each drifted column with its PSI, or why it could not be compared. */
  flags?: IDriftFlag[];
}

/** `POST mlops/api/review-requests` */
export interface IReviewRequestInput {
  role: string;
  comment?: string;
}

/** `POST mlops/api/decisions` */
export interface IDecisionInput {
  title: string;
  why: string;
  alternatives?: string;
  tags?: string[];
}

export type SignoffDecision = 'approve' | 'refuse' | 'revoke';

/** `POST mlops/api/signoffs` */
export interface ISignoffInput {
  role: string;
  decision: SignoffDecision;
  comment?: string;
}

/** A review request waiting for an answer in one role. */
export interface IPortfolioReview {
  role: string;
  id: string;
  time: string | null;
  requester: string | null;
}

/** A column the last batch run flagged as drifted (or could not measure). */
export interface IPortfolioDrift {
  dataset: string;
  column: string;
  psi: number | null;
  problem: string | null;
}

/** The newest batch run of a notebook. */
export interface IPortfolioBatch {
  id: string;
  status: string;
  time: string | null;
  drift_threshold: number | null;
  drift: IPortfolioDrift[];
}

/** One generated document's coverage, as its generation recorded it. */
export interface IPortfolioDocument {
  covered: number;
  total: number;
  missing: string[];
}

/** The newest generated documents of a notebook. */
export interface IPortfolioDocumentation {
  /** The `documentation.generated` entry; null when nothing was generated yet. */
  generated: string | null;
  time: string | null;
  stale: boolean | null;
  documents: Record<string, IPortfolioDocument>;
}

/** One notebook in the portfolio. */
export interface IPortfolioNotebook {
  /** Relative to the server root. */
  path: string;
  stage: Stage | string;
  failing: number;
  /** The ids of the failing checklist items. */
  failing_items: string[];
  blocking_approval: string[];
  stale: boolean;
  /** What changed since the approvals that went stale. */
  stale_because: string[];
  may_run: boolean;
  /** The flags raised (keys of `IPortfolio.flags`), in its order. */
  flags: string[];
  reviews: IPortfolioReview[];
  batch: IPortfolioBatch | null;
  documentation: IPortfolioDocumentation;
  last_activity: string | null;
  /** Why the notebook could not be evaluated (its other fields are then defaults). */
  error: string | null;
}

export interface IPortfolioProject {
  root: string;
  name: string;
  template: string;
  risk_tier: string;
  /** The registry facts given (owner, sponsor, intended_purpose, ...); absent ones are left out. */
  context: Record<string, string>;
  /** Why the project could not be read (its notebooks are then missing). */
  error: string | null;
  notebooks: IPortfolioNotebook[];
}

/** `GET mlops/api/portfolio` */
export interface IPortfolio {
  projects: IPortfolioProject[];
  /** The server stopped looking after too many projects or notebooks. */
  truncated: boolean;
  /** Every flag a notebook can raise -> its label, in the order they are shown. */
  flags: Record<string, string>;
  /** The scan's limits (past them `truncated` is true); 0 when the server did not say. */
  limits: { projects: number; notebooks: number };
}

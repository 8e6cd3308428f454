import {
  IApprovals,
  IContextField,
  IDecision,
  IDocumentation,
  IMe,
  INotebookStatus,
  IPortfolio,
  IReport,
  IReportItem,
  IReviewRequest,
  ISignoff,
  ITimelineEntry
} from '../api';
import { shortIdentity } from '../format';

export const FINGERPRINT = 'sha256:' + 'ab12cd34ef56'.padEnd(64, '0');
export const OLD_FINGERPRINT = 'sha256:' + '99887766aa55'.padEnd(64, '0');

let counter = 0;

function hexId(id: string | undefined): string {
  counter++;
  return (id ?? counter.toString(16)).padStart(64, '0');
}

export function decision(overrides: Partial<IDecision> = {}): IDecision {
  const id = hexId(overrides.id);
  return {
    id,
    short_id: id.slice(0, 12),
    title: `Decision ${counter}`,
    why: 'because',
    alternatives: null,
    tags: [],
    links: [],
    actor: 'Ada <ada@example.com>',
    time: '2026-11-22T10:00:00.000000Z',
    cell_id: null,
    fingerprint: FINGERPRINT,
    current: true,
    ...overrides
  };
}

export function me(overrides: Partial<IMe> = {}): IMe {
  const identity = overrides.identity ?? 'Rita Risk <rita@example.com>';
  return {
    identity,
    name: shortIdentity(identity),
    person: `identity:${identity}`,
    anonymous: false,
    single_user: false,
    roles: ['risk'],
    ...overrides
  };
}

export function item(overrides: Partial<IReportItem> = {}): IReportItem {
  return {
    id: 'decisions-recorded',
    title: 'Decisions on data, model choice and evaluation are recorded',
    status: 'fail',
    gates: 'review',
    detail: 'no current decision tagged evaluation',
    evidence: [],
    why: 'Which data, which features, which model and how it is judged.',
    fix: '%mlops decide "TITLE" --why "..." --tag data|model|evaluation',
    check: 'decisions_recorded',
    waivable: true,
    waiver: null,
    ...overrides
  };
}

/** A classification/high checklist with items in every gate and every status. */
export function report(overrides: Partial<IReport> = {}): IReport {
  return {
    notebook: 'train.ipynb',
    fingerprint: FINGERPRINT,
    project: 'credit-risk',
    template: 'classification',
    risk_tier: 'high',
    stage: 'draft',
    retired: null,
    last_batch_run: null,
    items: [
      item({
        id: 'data-registered',
        title: 'Training data is registered and unchanged since',
        status: 'pass',
        detail: 'applications v1 read by the notebook',
        evidence: [{ kind: 'data', ref: 'd'.repeat(64), label: 'applications v1' }],
        fix: '%mlops data add PATH, then read it with jupyterlab_mlops.data.path(NAME) before the run'
      }),
      item({
        id: 'run-logged',
        title: 'A finished run of this notebook version logged a ranking metric',
        status: 'pass',
        detail: "run 'gradient boosting': test_roc_auc=0.79",
        evidence: [{ kind: 'mlflow-run', ref: 'run123', label: "run 'gradient boosting'" }],
        fix: '%%mlops run "NAME" around the training code, logging e.g. run.log(test_roc_auc=...)'
      }),
      item(),
      item({
        id: 'parameters-cell',
        title: "A parameters cell declares the notebook's inputs as typed literals",
        status: 'pass',
        gates: 'approval',
        detail: 'seed: int',
        evidence: [{ kind: 'cell', ref: '3', label: 'cell 4' }],
        fix: 'tag one code cell `parameters` and keep it to assignments like `seed = 7`'
      }),
      item({
        id: 'clean-run',
        title: 'The notebook runs top to bottom in a fresh kernel',
        gates: 'approval',
        detail: 'no clean run of this version',
        fix: 'mlops check NOTEBOOK --run (runs it with papermill in a scratch folder)'
      }),
      item({
        id: 'environment-pinned',
        title: 'The project pins its environment',
        status: 'waived',
        gates: 'approval',
        detail: 'no lock file',
        fix: 'commit a lock file',
        waiver: {
          id: 'w'.repeat(64),
          actor: 'Rita Risk <rita@example.com>',
          time: '2026-11-22T11:00:00Z',
          why: 'pinned by the platform image'
        }
      }),
      item({
        id: 'signoffs',
        title: 'The required roles signed off this exact version',
        gates: 'production',
        detail: 'no business sign-off',
        fix: 'mlops approve NOTEBOOK --role ROLE',
        waivable: false
      })
    ],
    blocking: {
      review: ['decisions-recorded'],
      approval: ['decisions-recorded', 'clean-run'],
      production: ['decisions-recorded', 'clean-run', 'signoffs']
    },
    ...overrides
  };
}

export function signoff(overrides: Partial<ISignoff> = {}): ISignoff {
  const actor = overrides.actor ?? 'Bo Business <bo@example.com>';
  return {
    id: hexId(overrides.id),
    kind: 'approved',
    role: 'business',
    actor,
    person: `identity:${actor}`,
    name: shortIdentity(actor),
    time: '2026-11-22T12:00:00Z',
    comment: 'fine',
    fingerprint: FINGERPRINT,
    current: true,
    ...overrides
  };
}

export function approvals(overrides: Partial<IApprovals> = {}): IApprovals {
  return {
    notebook: 'train.ipynb',
    may_run: false,
    bundle: {
      fingerprint: FINGERPRINT,
      parameters: { seed: 'int' },
      data: [],
      runs: [],
      checklist: 'x',
      digest: 'e'.repeat(64)
    },
    required_roles: ['business', 'risk', 'it-ops'],
    signoffs: { business: null, risk: null, 'it-ops': null },
    blocking: [],
    stale_because: [],
    problems: ['no business sign-off', 'no risk sign-off', 'no it-ops sign-off'],
    ...overrides
  };
}

export function entry(overrides: Partial<ITimelineEntry> = {}): ITimelineEntry {
  const id = hexId(overrides.id);
  return {
    id,
    short_id: id.slice(0, 12),
    kind: 'decision.recorded',
    time: '2026-11-22T10:00:00Z',
    actor: 'Ada <ada@example.com>',
    summary: `entry ${counter}`,
    links: [],
    fingerprint: FINGERPRINT,
    current: true,
    mlflow: null,
    ...overrides
  };
}

/** The registry facts' form, as the server describes it (config.context_form). */
export const CONTEXT_FORM: IContextField[] = [
  ['owner', 'Owner', 'who answers for the model day to day', false],
  ['sponsor', 'Sponsor', 'who funds it and answers for it to the business', false],
  ['initiative', 'Initiative', 'the business initiative or programme it serves', false],
  ['description', 'Description', 'what the system is and does, in a sentence or two', true],
  ['intended_purpose', 'Intended purpose', 'what it is intended to be used for', true],
  ['intended_users', 'Intended users', 'who is meant to use its outputs', true],
  ['out_of_scope', 'Out of scope', 'uses it is not meant for', true],
  ['deployment_context', 'Deployment context', 'where and how it runs', true],
  ['provider', 'Provider', 'who places it on the market or puts it into service', false]
].map(([key, label, help, multiline]) => ({
  key: key as string,
  label: label as string,
  help: help as string,
  max_length: multiline ? 2000 : 100,
  multiline: multiline as boolean
}));

/** Facts recorded: owner and intended purpose; the rest null. */
export function context(
  overrides: Record<string, string | null> = {}
): Record<string, string | null> {
  return {
    ...Object.fromEntries(CONTEXT_FORM.map(f => [f.key, null])),
    owner: 'Ann Lee',
    intended_purpose: 'Rank loan applications by the risk of default.',
    ...overrides
  };
}

/** Documents generated for this bundle: Annex IV with two points missing. */
export function documentation(overrides: Partial<IDocumentation> = {}): IDocumentation {
  const annexKeys = [
    ...'abcdefgh'.split('').map(c => `1(${c})`),
    ...'abcdefgh'.split('').map(c => `2(${c})`),
    '3', '4', '5', '6', '7', '8', '9'
  ];
  const statusOf = (key: string) =>
    key === '1(d)' || key === '7'
      ? 'missing'
      : key === '1(f)' || key === '8'
        ? 'not_applicable'
        : ['1(e)', '1(g)', '1(h)', '2(c)', '4', '5'].includes(key)
          ? 'author'
          : 'evidence';
  const entries = annexKeys.map(key => ({
    key,
    status: statusOf(key),
    title: `the regulation's words for ${key}`,
    needs: statusOf(key) === 'missing' ? `what to write for ${key}, e.g. \`mlops doc ${key}\`` : null
  }));
  const totals = { evidence: 0, author: 0, not_applicable: 0, missing: 0 } as Record<string, number>;
  entries.forEach(e => (totals[e.status] += 1));
  return {
    generated: 'e'.repeat(64),
    time: '2026-12-01T10:00:00Z',
    actor: 'Ann Lee <ann@example.com>',
    format: 'html',
    stale: false,
    stale_because: [],
    documents: {
      'model-card': {
        file: 'docs/train/model-card.html',
        totals: { evidence: 8, author: 1, not_applicable: 0, missing: 0 },
        total: 9,
        missing: [],
        entries: []
      },
      'annex-iv': {
        file: 'docs/train/annex-iv.html',
        totals,
        total: entries.length,
        missing: entries.filter(e => e.status === 'missing').map(e => e.key),
        entries
      }
    },
    ...overrides
  };
}

export function status(overrides: Partial<INotebookStatus> = {}): INotebookStatus {
  const decisions = overrides.decisions ?? [];
  return {
    path: 'credit-risk/train.ipynb',
    project: {
      root: 'credit-risk',
      name: 'credit-risk',
      template: 'classification',
      risk_tier: 'high',
      context: context(),
      context_form: CONTEXT_FORM
    },
    notebook: { exists: true, fingerprint: FINGERPRINT },
    counts: { entries: 7, notebook_entries: 3, decisions: decisions.length },
    decisions,
    ledger: { entries: 7, head: 'f'.repeat(64) },
    me: null,
    report: null,
    approvals: null,
    documentation: null,
    production: null,
    timeline: [],
    names: {},
    review_requests: [],
    needs_review: null,
    ...overrides
  };
}

export function reviewRequest(overrides: Partial<IReviewRequest> = {}): IReviewRequest {
  return {
    id: hexId(overrides.id),
    role: 'risk',
    requester: 'Ada <ada@example.com>',
    time: '2026-12-02T09:30:00Z',
    comment: 'please look at the fairness finding',
    ...overrides
  };
}

/** A status with everything issue 6 added: me, report, approvals, timeline. */
export function fullStatus(overrides: Partial<INotebookStatus> = {}): INotebookStatus {
  return status({
    me: me(),
    report: report(),
    approvals: approvals(),
    documentation: documentation(),
    timeline: [
      entry({
        id: 'a3',
        kind: 'run.logged',
        summary: "run 'gradient boosting' logged",
        links: ['mlflow-run:run123'],
        mlflow: { run_id: 'run123', experiment_id: '7' }
      }),
      entry({ id: 'a2', kind: 'decision.recorded', summary: 'decided: Use gradient boosting' }),
      entry({ id: 'd'.repeat(64), kind: 'data.registered', summary: 'applications v1 registered' })
    ],
    ...overrides
  });
}

export function noProjectStatus(): INotebookStatus {
  return status({
    path: 'scratch/play.ipynb',
    project: null,
    hint:
      "run `mlops init` in the project's root folder (in a terminal) " +
      'or `%mlops init` in a notebook cell there',
    counts: { entries: 0, notebook_entries: 0, decisions: 0 },
    ledger: { entries: 0, head: null }
  });
}

/** The notebook fields a portfolio row has when nothing is flagged. */
const QUIET = {
  failing_items: [] as string[],
  stale_because: [] as string[],
  flags: [] as string[],
  reviews: [],
  batch: null,
  documentation: { generated: null, time: null, stale: null, documents: {} }
};

export const PORTFOLIO_FLAGS: Record<string, string> = {
  failing: 'failing checklist items',
  stale: 'stale approvals',
  review: 'review requested',
  drift: 'drift flagged in the last batch run',
  batch_failed: 'last batch run failed',
  docs_stale: 'documentation stale',
  docs_incomplete: 'documentation incomplete'
};

export function portfolio(): IPortfolio {
  return {
    truncated: false,
    flags: PORTFOLIO_FLAGS,
    limits: { projects: 200, notebooks: 2000 },
    projects: [
      {
        root: 'credit-risk',
        name: 'credit-risk',
        template: 'classification',
        risk_tier: 'high',
        context: {
          owner: 'Ada Lovelace',
          sponsor: 'Sam',
          intended_purpose: 'Score <b>credit</b> applications'
        },
        error: null,
        notebooks: [
          {
            ...QUIET,
            path: 'credit-risk/train.ipynb',
            stage: 'approved',
            failing: 0,
            blocking_approval: [],
            stale: false,
            may_run: true,
            flags: ['drift'],
            batch: {
              id: 'b1',
              status: 'succeeded',
              time: '2026-11-22T12:00:00Z',
              drift_threshold: 0.2,
              drift: [
                { dataset: 'applications', column: 'annual_income', psi: 0.61, problem: null }
              ]
            },
            documentation: {
              generated: 'd1',
              time: '2026-11-21T12:00:00Z',
              stale: false,
              documents: {
                model_card: { covered: 12, total: 12, missing: [] },
                annex_iv: { covered: 23, total: 23, missing: [] }
              }
            },
            last_activity: '2026-11-22T12:00:00Z',
            error: null
          },
          {
            ...QUIET,
            path: 'credit-risk/explore/eda.ipynb',
            stage: 'draft',
            failing: 5,
            failing_items: ['run-logged', 'data-registered', 'clean-run', 'fairness', 'pii'],
            blocking_approval: ['run-logged'],
            stale: false,
            may_run: false,
            flags: ['failing', 'review'],
            reviews: [{ role: 'risk', id: 'r1', time: '2026-11-20T09:00:00Z', requester: 'Ada' }],
            last_activity: null,
            error: null
          }
        ]
      },
      {
        root: 'churn',
        name: 'Churn',
        template: 'classification',
        risk_tier: 'limited',
        context: {},
        error: null,
        notebooks: [
          {
            ...QUIET,
            path: 'churn/model.ipynb',
            stage: 'ready for review',
            failing: 2,
            failing_items: ['clean-run', 'signoffs'],
            blocking_approval: ['clean-run'],
            stale: true,
            stale_because: ['the notebook'],
            may_run: false,
            flags: ['failing', 'stale', 'batch_failed', 'docs_stale'],
            batch: {
              id: 'b2',
              status: 'failed',
              time: '2026-11-23T07:00:00Z',
              drift_threshold: 0.2,
              drift: []
            },
            documentation: {
              generated: 'd2',
              time: '2026-11-21T12:00:00Z',
              stale: true,
              documents: { model_card: { covered: 9, total: 12, missing: ['a', 'b', 'c'] } }
            },
            last_activity: '2026-11-23T08:00:00Z',
            error: null
          }
        ]
      },
      {
        root: 'broken',
        name: 'broken',
        template: '',
        risk_tier: '',
        context: {},
        error: 'invalid .mlops/config: risk_tier',
        notebooks: []
      }
    ]
  };
}

/** Resolve pending promise callbacks (microtasks) a few times over. */
export async function flushPromises(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await Promise.resolve();
  }
}

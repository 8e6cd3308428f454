/**
 * Batch jobs: what `GET/POST mlops/api/batch-runs` answer, read defensively, and the
 * "Run as batch job" form's values. The server is the authority on parameter values
 * (batch/parameters.py `validate`); the form only turns text into JSON values.
 */
import { obj, strings, strOrNull } from './normalize';

export type BatchStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted';

const STATUSES: readonly BatchStatus[] = ['queued', 'running', 'succeeded', 'failed', 'interrupted'];

/** A job is active while it waits or runs. */
export function isActive(status: BatchStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** One declared parameter, as the parameters cell declares it. */
export interface IBatchParameter {
  name: string;
  /** As declared: `int`, `float | None`, `list[str]`, ... */
  type: string;
  /** bool, int, float, str, list, dict, or None (any plain value). */
  base: string;
  nullable: boolean;
  item: string | null;
  default: unknown;
  minimum: number | null;
  maximum: number | null;
  choices: string[];
}

/** One batch job (`GET batch-runs/ID`); the outcome fields once it is done. */
export interface IBatchJob {
  id: string;
  status: BatchStatus;
  /** The notebook, relative to the server root. */
  notebook: string;
  parameters: Record<string, unknown>;
  actor: string | null;
  created: string | null;
  started: string | null;
  finished: string | null;
  /** Seconds since it started (or was queued), while active. */
  elapsed: number | null;
  /** Why nothing was recorded (refused when it came to run, or never started). */
  error: { error: string; hint: string } | null;
  /** The batch.run ledger entry. */
  entry: string | null;
  /** The executed notebook, relative to the server root. */
  output: string | null;
  mlflowRunId: string | null;
  experimentId: string | null;
  failure: { cell: number | null; error: string } | null;
  seconds: number | null;
  /** Columns whose drift crossed the threshold. */
  driftFlagged: number;
}

/** What the dialog needs (`GET batch-runs?path=`). */
export interface IBatchOverview {
  notebook: string;
  mayRun: boolean;
  problems: string[];
  parameters: IBatchParameter[];
  parameterProblems: string[];
  maxRunning: number;
  jobs: IBatchJob[];
}

const str = strOrNull;
const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

export function normalizeBatchJob(raw: unknown): IBatchJob {
  const r = obj(raw);
  const status = STATUSES.includes(r.status as BatchStatus) ? (r.status as BatchStatus) : 'failed';
  const error = r.error ? obj(r.error) : null;
  const failure = r.failure ? obj(r.failure) : null;
  return {
    id: str(r.id) ?? '',
    status,
    notebook: str(r.notebook) ?? '',
    parameters: obj(r.parameters),
    actor: str(r.actor),
    created: str(r.created),
    started: str(r.started),
    finished: str(r.finished),
    elapsed: num(r.elapsed),
    error: error ? { error: str(error.error) ?? '', hint: str(error.hint) ?? '' } : null,
    entry: str(r.entry),
    output: str(r.output),
    mlflowRunId: str(r.mlflow_run_id),
    experimentId: str(r.experiment_id),
    failure: failure ? { cell: num(failure.cell), error: str(failure.error) ?? '' } : null,
    seconds: num(r.seconds),
    driftFlagged: Array.isArray(r.drift_flagged) ? r.drift_flagged.length : 0
  };
}

function normalizeParameter(raw: unknown): IBatchParameter {
  const r = obj(raw);
  return {
    name: str(r.name) ?? '',
    type: str(r.type) ?? '',
    base: str(r.base) ?? 'None',
    nullable: r.nullable === true,
    item: str(r.item),
    default: r.default ?? null,
    minimum: num(r.minimum),
    maximum: num(r.maximum),
    choices: strings(r.choices)
  };
}

export function normalizeBatchOverview(raw: unknown): IBatchOverview {
  const r = obj(raw);
  return {
    notebook: str(r.notebook) ?? '',
    mayRun: r.may_run === true,
    problems: strings(r.problems),
    parameters: (Array.isArray(r.parameters) ? r.parameters : [])
      .map(normalizeParameter)
      .filter(p => p.name),
    parameterProblems: strings(r.parameter_problems),
    maxRunning: num(r.max_running) ?? 0,
    jobs: (Array.isArray(r.jobs) ? r.jobs : []).map(normalizeBatchJob).filter(j => j.id)
  };
}

/** The input a parameter gets. */
export type FieldKind = 'checkbox' | 'number' | 'select' | 'text' | 'json';

/**
 * bool: a checkbox; int and float: a number input; str with choices: a select; str: text;
 * lists, dicts, None-able and untyped values: JSON text.
 */
export function fieldKind(p: IBatchParameter): FieldKind {
  if (p.nullable || p.base === 'None' || p.base === 'list' || p.base === 'dict') {
    return 'json';
  }
  if (p.base === 'bool') {
    return 'checkbox';
  }
  if (p.base === 'int' || p.base === 'float') {
    return 'number';
  }
  return p.choices.length > 0 ? 'select' : 'text';
}

/** The field's text for the parameter's default (a checkbox: 'true' or 'false'). */
export function initialText(p: IBatchParameter): string {
  switch (fieldKind(p)) {
    case 'checkbox':
      return p.default === true ? 'true' : 'false';
    case 'select':
    case 'text':
      return typeof p.default === 'string' ? p.default : '';
    case 'number':
      return typeof p.default === 'number' ? String(p.default) : '';
    default:
      return JSON.stringify(p.default ?? null);
  }
}

/** The value a field's text stands for, or why it stands for none. */
export function readField(
  p: IBatchParameter,
  text: string
): { value: unknown; error?: undefined } | { error: string } {
  switch (fieldKind(p)) {
    case 'checkbox':
      return { value: text === 'true' };
    case 'number': {
      const trimmed = text.trim();
      const value = Number(trimmed);
      if (!trimmed || !Number.isFinite(value)) {
        return { error: 'Enter a number.' };
      }
      return { value };
    }
    case 'json':
      try {
        return { value: JSON.parse(text) };
      } catch {
        return { error: 'Not JSON: write e.g. null, 3, "text", [1, 2] or {"a": 1}.' };
      }
    default:
      return { value: text };
  }
}

/**
 * The values of the fields changed from their defaults (the others run with the
 * notebook's own defaults), or the problem of each field that stands for no value.
 */
export function changedValues(
  parameters: readonly IBatchParameter[],
  texts: Record<string, string>
): { values: Record<string, unknown>; errors: Record<string, string> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const p of parameters) {
    const text = texts[p.name] ?? initialText(p);
    if (text === initialText(p)) {
      continue;
    }
    const read = readField(p, text);
    if (read.error !== undefined) {
      errors[p.name] = read.error;
    } else {
      values[p.name] = read.value;
    }
  }
  return { values, errors };
}

/** "4 s", "2 min 5 s". */
export function duration(seconds: number | null): string {
  if (seconds === null) {
    return '';
  }
  const whole = Math.max(0, Math.round(seconds));
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/**
 * The champion and challenger and "needs review" of the notebook document, normalized
 * (every field present, of its type), and the metric differences the panel shows.
 */
import type {
  IChallenger,
  IChampion,
  IDriftFlag,
  INeedsReview,
  IProduction,
  IProductionRun,
  IProductionSide
} from './types';

type Raw = Record<string, any>;

function obj(value: unknown): Raw {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {};
}

function str(value: unknown, fallback = ''): string {
  return value === null || value === undefined ? fallback : String(value);
}

function strOrNull(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(v => String(v)) : [];
}

function numOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function list<T>(value: unknown, each: (raw: Raw) => T): T[] {
  return Array.isArray(value) ? value.map(v => each(obj(v))) : [];
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

function texts(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(obj(value))) {
    if (typeof v === 'string') {
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
    approved_by_roles: texts(champion.approved_by_roles),
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

/** `needs_review` of the notebook document. */
export function normalizeNeedsReview(raw: unknown): INeedsReview {
  const body = obj(raw);
  return {
    reason: str(body.reason),
    fix: str(body.fix),
    batch_id: strOrNull(body.batch_id),
    entry: str(body.entry),
    time: str(body.time),
    threshold: numOrNull(body.threshold),
    columns: list(
      body.columns,
      (c): IDriftFlag => ({
        dataset: str(c.dataset),
        column: str(c.column),
        psi: numOrNull(c.psi),
        problem: strOrNull(c.problem)
      })
    )
  };
}

/** One metric of the champion's first run next to the challenger's. */
export interface IMetricRow {
  name: string;
  champion: number | null;
  challenger: number | null;
  /** challenger − champion, when both logged it. */
  delta: number | null;
}

/** The key metrics of both sides' first runs, by name (the champion's order first). */
export function metricRows(production: IProduction): IMetricRow[] {
  const before = production.champion.runs[0]?.metrics ?? {};
  const after = production.challenger?.runs[0]?.metrics ?? {};
  const names = [...Object.keys(before), ...Object.keys(after).filter(k => !(k in before))];
  return names.map(name => {
    const champion = name in before ? before[name] : null;
    const challenger = name in after ? after[name] : null;
    const delta = champion !== null && challenger !== null ? challenger - champion : null;
    return { name, champion, challenger, delta };
  });
}

/** A metric in at most 4 significant digits ("0.7813"). */
export function formatMetric(value: number | null): string {
  return value === null ? '–' : String(Number(value.toPrecision(4)));
}

/** A difference with its sign ("+0.012", "−0.003", "±0"). */
export function formatDelta(delta: number): string {
  const rounded = Number(delta.toPrecision(2));
  if (Math.abs(rounded) < 1e-12) {
    return '±0';
  }
  return rounded > 0 ? `+${rounded}` : `−${Math.abs(rounded)}`;
}

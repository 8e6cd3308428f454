/**
 * The metric differences between the champion and its challenger, as the panel shows them
 * (the document's `production`, normalized in normalize.ts).
 */
import type { IProduction } from './types';

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

/**
 * The portfolio as table rows, and how they sort (pure: no DOM, no React).
 */
import { parseTime, relativeTo } from './format';
import { IPortfolio, IPortfolioNotebook, STAGES } from './types';

/** One notebook of one project. */
export interface IPortfolioRow {
  /** Unique within a portfolio: the notebook's server path. */
  key: string;
  project: string;
  projectRoot: string;
  /** The notebook's path relative to its project root. */
  notebook: string;
  /** The notebook's path relative to the server root (what opens it). */
  path: string;
  template: string;
  risk_tier: string;
  /** Who answers for the model ('' when the project does not say). */
  owner: string;
  sponsor: string;
  initiative: string;
  intended_purpose: string;
  /** The project's registry facts as "label: value" lines (its row's tooltip). */
  facts: string;
  stage: string;
  failing: number;
  blocking_approval: string[];
  stale: boolean;
  may_run: boolean;
  /** The flags raised, in the portfolio's order. */
  flags: string[];
  /** The notebook's own fields the table and the CSV show beyond the above. */
  detail: IPortfolioNotebook;
  last_activity: string | null;
  error: string | null;
}

export type SortKey =
  | 'project'
  | 'notebook'
  | 'template'
  | 'owner'
  | 'risk_tier'
  | 'stage'
  | 'failing'
  | 'stale'
  | 'flags'
  | 'documentation'
  | 'last_activity';

export type SortDirection = 'ascending' | 'descending';

export interface ISort {
  key: SortKey;
  direction: SortDirection;
}

export const DEFAULT_SORT: ISort = { key: 'project', direction: 'ascending' };

/** Risk tiers from least to most regulated (EU AI Act). */
export const RISK_TIERS = ['minimal', 'limited', 'high', 'unacceptable'];

/** Every project's notebooks, one row each. */
export function portfolioRows(portfolio: IPortfolio): IPortfolioRow[] {
  const rows: IPortfolioRow[] = [];
  for (const project of portfolio.projects) {
    for (const nb of project.notebooks) {
      rows.push({
        key: nb.path,
        project: project.name,
        projectRoot: project.root,
        notebook: relativeTo(nb.path, project.root),
        path: nb.path,
        template: project.template,
        risk_tier: project.risk_tier,
        owner: project.context.owner ?? '',
        sponsor: project.context.sponsor ?? '',
        initiative: project.context.initiative ?? '',
        intended_purpose: project.context.intended_purpose ?? '',
        facts: describeFacts(project.context),
        stage: nb.stage,
        failing: nb.failing,
        blocking_approval: nb.blocking_approval,
        stale: nb.stale,
        may_run: nb.may_run,
        flags: nb.flags,
        detail: nb,
        last_activity: nb.last_activity,
        error: nb.error
      });
    }
  }
  return rows;
}

/** Registry facts as "intended purpose: ..." lines, in the order the server sent them. */
export function describeFacts(context: Record<string, string>): string {
  return Object.entries(context)
    .map(([name, value]) => `${name.replace(/_/g, ' ')}: ${value}`)
    .join('\n');
}

/** Position in a known order; unknown values after all known ones. */
function rank(order: readonly string[], value: string): number {
  const i = order.indexOf(value);
  return i < 0 ? order.length : i;
}

function compareText(a: string, b: string): number {
  return a.localeCompare(b, undefined, { sensitivity: 'base', numeric: true });
}

/** Compare by `key`, ascending. Null times are handled by sortRows. */
function compareBy(key: SortKey, a: IPortfolioRow, b: IPortfolioRow): number {
  switch (key) {
    case 'project':
    case 'notebook':
    case 'template':
    case 'owner':
      return compareText(a[key], b[key]);
    case 'risk_tier':
      return rank(RISK_TIERS, a.risk_tier) - rank(RISK_TIERS, b.risk_tier);
    case 'stage':
      return rank(STAGES, a.stage) - rank(STAGES, b.stage);
    case 'failing':
      return a.failing - b.failing;
    case 'stale':
      return Number(a.stale) - Number(b.stale);
    case 'flags':
      return a.flags.length - b.flags.length;
    case 'documentation':
      return coverage(a) - coverage(b);
    case 'last_activity':
      return timeKey(a) - timeKey(b);
  }
}

function timeKey(row: IPortfolioRow): number {
  const ms = row.last_activity ? parseTime(row.last_activity) : NaN;
  return Number.isNaN(ms) ? -Infinity : ms;
}

/**
 * The rows sorted by `sort`; ties by project, then notebook. Rows without a
 * last activity always come last when sorting by it.
 */
export function sortRows(rows: readonly IPortfolioRow[], sort: ISort): IPortfolioRow[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    if (sort.key === 'last_activity') {
      const known = Number(timeKey(b) !== -Infinity) - Number(timeKey(a) !== -Infinity);
      if (known !== 0) {
        return known;
      }
    }
    return (
      sign * compareBy(sort.key, a, b) ||
      compareText(a.project, b.project) ||
      compareText(a.notebook, b.notebook)
    );
  });
}

/** Clicking a column: the same one flips the direction; another starts with its natural order. */
export function nextSort(current: ISort, key: SortKey): ISort {
  if (current.key === key) {
    return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  }
  // numbers, booleans and times are most useful largest / newest / stale first
  const descendingFirst: SortKey[] = ['failing', 'stale', 'flags', 'last_activity', 'risk_tier'];
  return { key, direction: descendingFirst.includes(key) ? 'descending' : 'ascending' };
}

/** The share of the generated documents' sections covered (0..1); -1 when none was generated. */
export function coverage(row: IPortfolioRow): number {
  const docs = Object.values(row.detail.documentation.documents);
  const total = docs.reduce((n, d) => n + d.total, 0);
  if (!row.detail.documentation.generated || total === 0) {
    return -1;
  }
  return docs.reduce((n, d) => n + d.covered, 0) / total;
}

/** What the portfolio is narrowed to; '' means any. */
export interface IFilters {
  stage: string;
  risk_tier: string;
  template: string;
  /** An owner's name; NO_OWNER for projects that name none. */
  owner: string;
  /** A flag the row raises; NO_FLAG for rows that raise none. */
  flag: string;
}

export const NO_FILTERS: IFilters = { stage: '', risk_tier: '', template: '', owner: '', flag: '' };
export const NO_OWNER = '\u0000none';
export const NO_FLAG = '\u0000none';

/** The rows that pass every filter. */
export function filterRows(rows: readonly IPortfolioRow[], filters: IFilters): IPortfolioRow[] {
  return rows.filter(
    row =>
      (!filters.stage || row.stage === filters.stage) &&
      (!filters.risk_tier || row.risk_tier === filters.risk_tier) &&
      (!filters.template || row.template === filters.template) &&
      (!filters.owner || row.owner === (filters.owner === NO_OWNER ? '' : filters.owner)) &&
      (!filters.flag ||
        (filters.flag === NO_FLAG ? row.flags.length === 0 : row.flags.includes(filters.flag)))
  );
}

/** The values each filter can take among `rows`: tiers in their order, the rest sorted. */
export function filterChoices(rows: readonly IPortfolioRow[]): {
  risk_tier: string[];
  template: string[];
  owner: string[];
} {
  const distinct = (values: string[]) =>
    [...new Set(values.filter(v => v))].sort((a, b) => compareText(a, b));
  const tiers = distinct(rows.map(r => r.risk_tier));
  return {
    risk_tier: tiers.sort((a, b) => rank(RISK_TIERS, a) - rank(RISK_TIERS, b)),
    template: distinct(rows.map(r => r.template)),
    owner: distinct(rows.map(r => r.owner))
  };
}

/** How many of `rows` are at each lifecycle stage, in order (the funnel). */
export function funnel(rows: readonly IPortfolioRow[]): { stage: string; count: number }[] {
  return STAGES.map(stage => ({ stage, count: rows.filter(r => r.stage === stage).length }));
}

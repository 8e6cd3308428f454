/**
 * The portfolio's rows as CSV (RFC 4180), safe to open in a spreadsheet: a
 * cell that starts like a formula (= + - @, tab or carriage return) is
 * prefixed with an apostrophe, so it stays text.
 */
import { IPortfolioRow } from './portfolio';
import { IPortfolioDrift } from './types';

/** The columns, in order: header and how to read a row. */
export const CSV_COLUMNS: [string, (row: IPortfolioRow) => string | number | boolean][] = [
  ['project', r => r.project],
  ['project_root', r => r.projectRoot],
  ['notebook', r => r.path],
  ['template', r => r.template],
  ['risk_tier', r => r.risk_tier],
  ['owner', r => r.owner],
  ['sponsor', r => r.sponsor],
  ['initiative', r => r.initiative],
  ['intended_purpose', r => r.intended_purpose],
  ['stage', r => r.stage],
  ['failing', r => r.failing],
  ['failing_items', r => r.detail.failing_items.join('; ')],
  ['stale_approvals', r => r.stale],
  ['stale_because', r => r.detail.stale_because.join('; ')],
  ['reviews_pending', r => r.detail.reviews.map(q => q.role).join('; ')],
  ['last_batch', r => r.detail.batch?.status ?? ''],
  ['drift', r => (r.detail.batch?.drift ?? []).map(describeDrift).join('; ')],
  ['documentation', r => describeDocumentation(r)],
  ['flags', r => r.flags.join('; ')],
  ['last_activity', r => r.last_activity ?? ''],
  ['error', r => r.error ?? '']
];

/** `dataset.column PSI 0.41`, or the problem when it could not be measured. */
export function describeDrift(d: IPortfolioDrift): string {
  const where = `${d.dataset}.${d.column}`;
  return d.psi === null
    ? `${where} (${d.problem ?? 'not measured'})`
    : `${where} PSI ${d.psi.toFixed(2)}`;
}

/** `model_card 10/12, annex_iv 20/23 (stale)`, or `not generated`. */
export function describeDocumentation(row: IPortfolioRow): string {
  const docs = row.detail.documentation;
  if (!docs.generated) {
    return 'not generated';
  }
  const parts = Object.entries(docs.documents).map(
    ([kind, d]) => `${kind} ${d.covered}/${d.total}`
  );
  return parts.join(', ') + (docs.stale ? ' (stale)' : '');
}

const FORMULA = /^[=+\-@\t\r]/;

/** One cell: defused if it starts like a formula; quoted if it holds a quote, comma or break. */
export function csvCell(value: string | number | boolean): string {
  let text = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value);
  if (FORMULA.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV text: a header line, then one line per row, CRLF line ends. */
export function toCsv(rows: readonly IPortfolioRow[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => csvCell(name)).join(',')];
  for (const row of rows) {
    lines.push(CSV_COLUMNS.map(([, read]) => csvCell(read(row))).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

/** Let the browser save `rows` as a CSV file (UTF-8 with a BOM, which spreadsheets expect). */
export function downloadCsv(
  rows: readonly IPortfolioRow[],
  filename = 'mlops-portfolio.csv'
): void {
  const blob = new Blob(['\ufeff', toCsv(rows)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

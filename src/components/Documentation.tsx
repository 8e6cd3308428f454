import * as React from 'react';

import {
  CoverageStatus,
  IDocumentation,
  IDocumentCoverage,
  IGeneratedDocuments
} from '../api';
import { formatLocalTime } from '../format';
import { Actor } from './Actor';
import { Outcome } from './ErrorMessage';
import { InlineText } from './InlineText';
import { useSubmission } from './useSubmission';

/** The documents, in the order the panel shows them, and what to call them. */
export const DOCUMENT_NAMES: Record<string, string> = {
  'annex-iv': 'Annex IV',
  'model-card': 'Model card'
};

/** The coverage statuses in the meter's order, and how to say them. */
export const COVERAGE_STATUSES: readonly { status: CoverageStatus; label: string }[] = [
  { status: 'evidence', label: 'from evidence' },
  { status: 'author', label: 'by the author' },
  { status: 'not_applicable', label: 'not applicable' },
  { status: 'missing', label: 'missing' }
];

/** "21 of 23 covered: 10 from evidence, 9 by the author, 2 not applicable, 2 missing". */
export function coverageSummary(coverage: IDocumentCoverage): string {
  const missing = coverage.totals.missing ?? 0;
  const parts = COVERAGE_STATUSES.map(s => `${coverage.totals[s.status] ?? 0} ${s.label}`);
  return `${coverage.total - missing} of ${coverage.total} covered: ${parts.join(', ')}`;
}

/** "Annex IV: 6, 9 changed; model card: nothing changed", after a regeneration. */
export function changesSummary(generated: IGeneratedDocuments): string {
  if (!generated.previous) {
    return 'Generated the model card and the Annex IV documentation.';
  }
  const parts = Object.keys(DOCUMENT_NAMES)
    .filter(kind => generated.documents[kind])
    .map(kind => {
      const c = generated.documents[kind].changes;
      const keys = c ? [...c.changed, ...c.added, ...c.removed] : [];
      return `${DOCUMENT_NAMES[kind]}: ${keys.length ? keys.join(', ') + ' changed' : 'no section changed'}`;
    });
  return `Regenerated. ${parts.join('; ')}.`;
}

/**
 * The notebook's model card and Annex IV documentation: when they were
 * generated and whether they still describe the notebook, each document's
 * coverage meter with what the author still has to write, and a button to
 * (re)generate them.
 */
export function Documentation(props: {
  documentation: IDocumentation;
  onGenerate?: () => Promise<IGeneratedDocuments>;
  /** Open a file of the project (path relative to the project root). */
  onOpen?: (path: string) => void;
}): JSX.Element {
  const { documentation, onGenerate, onOpen } = props;
  const { busy, error, done, run } = useSubmission();
  const generated = documentation.generated !== null;

  const generate = async () => {
    if (onGenerate) {
      await run(async () => changesSummary(await onGenerate()));
    }
  };

  const kinds = Object.keys(DOCUMENT_NAMES).filter(k => documentation.documents[k]);
  return (
    <div className="jp-mlops-documentation" data-testid="mlops-documentation">
      {generated ? (
        <p className="jp-mlops-doc-status" data-stale={String(documentation.stale)}>
          {documentation.stale ? (
            <span className="jp-mlops-stale">Stale</span>
          ) : (
            <span className="jp-mlops-current">Current</span>
          )}{' '}
          generated {documentation.time ? formatLocalTime(documentation.time) : ''}
          {documentation.actor && (
            <>
              {' '}
              by <Actor identity={documentation.actor} />
            </>
          )}
          {documentation.stale && documentation.stale_because.length > 0 && (
            <span className="jp-mlops-stale-because">
              {' '}
              (changed since: {documentation.stale_because.join(', ')})
            </span>
          )}
        </p>
      ) : (
        <p className="jp-mlops-muted">
          No documents generated yet. They are written from the ledger's evidence; what
          evidence cannot fill is marked for you to write.
        </p>
      )}
      {kinds.map(kind => (
        <DocumentCoverage
          key={kind}
          name={DOCUMENT_NAMES[kind]}
          coverage={documentation.documents[kind]}
          onOpen={onOpen}
        />
      ))}
      {onGenerate && (
        <div className="jp-mlops-form-actions">
          <button
            type="button"
            className={`jp-mlops-button${!generated || documentation.stale ? ' jp-mlops-primary' : ''}`}
            aria-label={generated ? 'Regenerate the documents' : 'Generate the documents'}
            disabled={busy}
            onClick={() => void generate()}
          >
            {busy ? 'Generating…' : generated ? 'Regenerate documents' : 'Generate documents'}
          </button>
        </div>
      )}
      <Outcome done={done} error={error} />
    </div>
  );
}

/** One document: its name (opens it), its coverage meter and what is still missing. */
function DocumentCoverage(props: {
  name: string;
  coverage: IDocumentCoverage;
  onOpen?: (path: string) => void;
}): JSX.Element {
  const { name, coverage, onOpen } = props;
  const missing = coverage.entries.filter(e => e.status === 'missing');
  return (
    <div className="jp-mlops-doc" data-document={name}>
      <div className="jp-mlops-doc-heading">
        {onOpen && coverage.file ? (
          <button
            type="button"
            className="jp-mlops-link-button"
            aria-label={`Open the ${name} document`}
            title={coverage.file}
            onClick={() => onOpen(coverage.file!)}
          >
            {name}
          </button>
        ) : (
          <span>{name}</span>
        )}
      </div>
      <CoverageMeter name={name} coverage={coverage} />
      {missing.length > 0 && (
        <ul className="jp-mlops-doc-missing" aria-label={`${name}: what the author should write`}>
          {missing.map(e => (
            <li key={e.key} title={e.title}>
              <code className="jp-mlops-doc-key">{e.key}</code>{' '}
              {e.needs ? <InlineText text={e.needs} /> : e.title}
            </li>
          ))}
        </ul>
      )}
      {missing.length > 0 && (
        <p className="jp-mlops-muted">
          Write them in a <code className="jp-mlops-snippet">%%mlops doc SECTION</code> cell or
          with <code className="jp-mlops-snippet">mlops doc --file FILE.yaml</code>, then
          regenerate.
        </p>
      )}
    </div>
  );
}

/**
 * A bar with one segment per coverage status (widths by count) and a legend;
 * each point's status is in the list below it, for screen readers and for
 * hovering over a segment's points.
 */
export function CoverageMeter(props: { name: string; coverage: IDocumentCoverage }): JSX.Element {
  const { name, coverage } = props;
  const summary = coverageSummary(coverage);
  const total = Math.max(coverage.total, 1);
  return (
    <div className="jp-mlops-meter" data-testid="mlops-coverage-meter">
      <div className="jp-mlops-meter-bar" role="img" aria-label={`${name}: ${summary}`}>
        {COVERAGE_STATUSES.map(({ status, label }) => {
          const n = coverage.totals[status] ?? 0;
          const keys = coverage.entries.filter(e => e.status === status).map(e => e.key);
          return n > 0 ? (
            <span
              key={status}
              className="jp-mlops-meter-segment"
              data-status={status}
              style={{ width: `${(100 * n) / total}%` }}
              title={`${n} ${label}${keys.length ? ': ' + keys.join(', ') : ''}`}
            />
          ) : null;
        })}
      </div>
      <p className="jp-mlops-meter-legend">
        <strong>
          {coverage.total - (coverage.totals.missing ?? 0)} of {coverage.total}
        </strong>{' '}
        covered
        {COVERAGE_STATUSES.map(({ status, label }) => (
          <React.Fragment key={status}>
            {' · '}
            <span className="jp-mlops-meter-count" data-status={status}>
              {coverage.totals[status] ?? 0} {label}
            </span>
          </React.Fragment>
        ))}
      </p>
    </div>
  );
}

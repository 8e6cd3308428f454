import * as React from 'react';

import { IEvidence } from '../api';
import { IPanelActions } from '../actions';
import { splitArtifactRef } from '../format';

/** How the checklist reaches what its evidence points to. */
export interface IEvidenceNavigation {
  /** The MLflow UI page of a run, or null when no MLflow URL is set. */
  runUrl: (runId: string) => string | null;
  /** The MLflow UI page of a run's artifact folder or file, or null without an MLflow URL. */
  artifactUrl?: (runId: string, path: string) => string | null;
  /** Scroll to and highlight a ledger entry in the timeline. */
  showEntry: (id: string) => void;
  actions: IPanelActions;
}

/** The evidence behind a checklist outcome, each a link or a button to it. */
export function EvidenceLinks(props: {
  evidence: readonly IEvidence[];
  nav: IEvidenceNavigation;
}): JSX.Element {
  return (
    <ul className="jp-mlops-evidence" aria-label="Evidence">
      {props.evidence.map((e, i) => (
        <li key={`${e.kind}:${e.ref}:${i}`} data-kind={e.kind}>
          <EvidenceLink evidence={e} nav={props.nav} />
        </li>
      ))}
    </ul>
  );
}

function EvidenceLink(props: { evidence: IEvidence; nav: IEvidenceNavigation }): JSX.Element {
  const { evidence: e, nav } = props;
  const label = e.label || e.ref;
  switch (e.kind) {
    case 'mlflow-run': {
      const url = nav.runUrl(e.ref);
      return url ? (
        <a
          className="jp-mlops-evidence-link"
          href={url}
          target="_blank"
          rel="noopener noreferrer"
          aria-label={`Open MLflow ${label} in a new tab`}
          title={`MLflow run ${e.ref}`}
        >
          {label}
        </a>
      ) : (
        <span
          className="jp-mlops-evidence-text"
          title={`MLflow run ${e.ref} (set the MLflow URL in the settings to link it)`}
        >
          {label}
        </span>
      );
    }
    case 'mlflow-artifact': {
      const { runId, path } = splitArtifactRef(e.ref);
      const url = nav.artifactUrl ? nav.artifactUrl(runId, path) : null;
      const where = `MLflow run ${runId}, artifacts ${path}`;
      return url ? (
        <a
          className="jp-mlops-evidence-link"
          href={url}
          target="_blank"
          rel="noopener noreferrer"
          aria-label={`Open ${label} (MLflow artifacts ${path}) in a new tab`}
          title={where}
        >
          {label}
        </a>
      ) : (
        <span
          className="jp-mlops-evidence-text"
          title={`${where} (set the MLflow URL in the settings to link it)`}
        >
          {`${label} (run ${runId.slice(0, 8)}: ${path})`}
        </span>
      );
    }
    case 'entry':
    case 'data': {
      const what = e.kind === 'data' ? 'data version' : 'ledger entry';
      return (
        <EvidenceButton
          label={label}
          ariaLabel={`Show ${what} ${label} in the timeline`}
          onClick={() => nav.showEntry(e.ref)}
        />
      );
    }
    case 'cell': {
      const index = Number(e.ref);
      const show = nav.actions.showCell;
      return show && Number.isInteger(index) ? (
        <EvidenceButton
          label={label}
          ariaLabel={`Show ${label} of the notebook`}
          onClick={() => show(index)}
        />
      ) : (
        <span className="jp-mlops-evidence-text">{label}</span>
      );
    }
    case 'file': {
      const open = nav.actions.openProjectFile;
      return open ? (
        <EvidenceButton label={label} ariaLabel={`Open ${label}`} onClick={() => open(e.ref)} />
      ) : (
        <span className="jp-mlops-evidence-text">{label}</span>
      );
    }
    default:
      return (
        <span className="jp-mlops-evidence-text" title={e.ref}>
          {label}
        </span>
      );
  }
}

function EvidenceButton(props: {
  label: string;
  ariaLabel: string;
  onClick: () => void;
}): JSX.Element {
  return (
    <button
      type="button"
      className="jp-mlops-evidence-link jp-mlops-link-button"
      aria-label={props.ariaLabel}
      title={props.ariaLabel}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}

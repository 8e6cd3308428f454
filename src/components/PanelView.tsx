import { refreshIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IPanelActions } from '../actions';
import { IDocumentation, INotebookStatus, ITimelineEntry } from '../api';
import { mlflowArtifactUrl, mlflowRunUrl, sentence } from '../format';
import { IPanelState } from '../model';
import { blockedBy, splitRequests } from '../readiness';
import { NamesContext } from './Actor';
import { BatchRunControl } from './BatchRunControl';
import { ChampionChallenger } from './ChampionChallenger';
import { Checklist } from './Checklist';
import { DecisionForm } from './DecisionForm';
import { DecisionList } from './DecisionList';
import { Disclosure } from './Disclosure';
import { Documentation } from './Documentation';
import { CommandSnippet, EmptyState } from './EmptyState';
import { ErrorMessage } from './ErrorMessage';
import { IEvidenceNavigation } from './EvidenceLinks';
import { InlineText } from './InlineText';
import { NeedsReview } from './NeedsReview';
import { ProjectFacts } from './ProjectFacts';
import { NotebookSummary, ProjectHeader } from './ProjectHeader';
import { WaitingForYou } from './ReviewRequests';
import { Section } from './Section';
import { Signoffs } from './Signoffs';
import { IHighlight, Timeline } from './Timeline';

const NO_ACTIONS: IPanelActions = {};

/** The whole panel for one state of the model. Same state and actions, same DOM. */
export function PanelView(props: {
  state: IPanelState;
  onRefresh?: () => void;
  actions?: IPanelActions;
}): JSX.Element {
  const { state, onRefresh } = props;
  const actions = props.actions ?? NO_ACTIONS;
  return (
    <div
      className="jp-mlops-panel"
      data-testid="mlops-panel"
      data-status={state.status}
      aria-busy={state.status === 'loading'}
    >
      <header className="jp-mlops-header">
        <h2 className="jp-mlops-heading">MLOps</h2>
        <div className="jp-mlops-header-actions">
          {actions.openPortfolio && (
            <button
              type="button"
              className="jp-mlops-button jp-mlops-open-portfolio"
              title="Every project's notebooks, their stage and approvals"
              aria-label="Open the portfolio"
              onClick={actions.openPortfolio}
            >
              Portfolio
            </button>
          )}
          {onRefresh && state.path && (
            <button
              type="button"
              className="jp-mlops-refresh jp-Button jp-mod-minimal"
              title="Refresh"
              aria-label="Refresh"
              onClick={onRefresh}
            >
              <refreshIcon.react tag="span" />
            </button>
          )}
        </div>
      </header>
      <Body state={state} actions={actions} />
    </div>
  );
}

function Body(props: { state: IPanelState; actions: IPanelActions }): JSX.Element {
  const { state } = props;
  switch (state.status) {
    case 'no-notebook':
      return (
        <EmptyState kind="no-notebook" title="Open a notebook to see its MLOps record.">
          <p>The panel follows the notebook you are working in.</p>
        </EmptyState>
      );
    case 'loading':
      return <p className="jp-mlops-loading">Loading…</p>;
    case 'error':
      return <ErrorMessage error={state.error!} />;
    case 'ready':
      // a new notebook starts with fresh forms and filters
      return <Status key={state.data!.path} status={state.data!} actions={props.actions} />;
  }
}

/** run id → experiment id, from the timeline's MLflow runs. */
function experimentsOf(timeline: readonly ITimelineEntry[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of timeline) {
    if (entry.mlflow && entry.mlflow.experiment_id && !map.has(entry.mlflow.run_id)) {
      map.set(entry.mlflow.run_id, entry.mlflow.experiment_id);
    }
  }
  return map;
}

function Status(props: { status: INotebookStatus; actions: IPanelActions }): JSX.Element {
  const { status, actions } = props;
  const [highlight, setHighlight] = React.useState<IHighlight | null>(null);
  const experiments = React.useMemo(() => experimentsOf(status.timeline), [status.timeline]);
  const runUrl = React.useCallback(
    (runId: string, experimentId?: string) =>
      mlflowRunUrl(actions.mlflowUrl, runId, experimentId || experiments.get(runId)),
    [actions.mlflowUrl, experiments]
  );
  const artifactUrl = React.useCallback(
    (runId: string, path: string) =>
      mlflowArtifactUrl(actions.mlflowUrl, runId, path, experiments.get(runId)),
    [actions.mlflowUrl, experiments]
  );
  const showEntry = React.useCallback(
    (id: string) => setHighlight(h => ({ id, seq: (h?.seq ?? 0) + 1 })),
    []
  );
  const nav: IEvidenceNavigation = React.useMemo(
    () => ({ runUrl, artifactUrl, showEntry, actions }),
    [runUrl, artifactUrl, showEntry, actions]
  );

  // the sign-off control's role, and a counter that brings it into view (from "waiting for you")
  const [signRole, setSignRole] = React.useState<string | null>(null);
  const [signFocus, setSignFocus] = React.useState<number | undefined>(undefined);
  const signOffAs = React.useCallback((role: string) => {
    setSignRole(role);
    setSignFocus(n => (n ?? 0) + 1);
  }, []);

  if (!status.project) {
    return <NoProject hint={status.hint} />;
  }
  const { report, approvals } = status;
  const requests = splitRequests(status.review_requests, status.me);
  const canSign = approvals !== null && actions.signOff !== undefined;
  return (
    <NamesContext.Provider value={status.names}>
      <ProjectHeader project={status.project} />
      <NotebookSummary status={status} onShowEntry={showEntry} />
      <section className="jp-mlops-now" data-testid="mlops-now" aria-label="What needs you">
        <NeedsReview needsReview={status.needs_review} />
        <WaitingForYou requests={requests.mine} onSignOffAs={canSign ? signOffAs : undefined} />
        {report && <Checklist report={report} nav={nav} />}
      </section>
      {approvals && (
        <Section name="signoffs" title="Sign-offs" openRequest={signFocus}>
          <Signoffs
            approvals={approvals}
            me={status.me}
            onSignOff={actions.signOff}
            requests={status.review_requests}
            pendingRequests={requests.others}
            onRequestReview={actions.requestReview}
            role={signRole}
            onRole={setSignRole}
            focusRequest={signFocus}
          />
          {status.production && <ChampionChallenger production={status.production} runUrl={runUrl} />}
        </Section>
      )}
      {approvals && <BatchRunControl path={status.path} batch={actions.batch} mlflowUrl={actions.mlflowUrl} />}
      {status.documentation && (
        <Section
          name="documentation"
          title="Documentation"
          defaultOpen={
            status.documentation.stale === true || blockedBy(report, 'documentation_complete')
          }
          extra={<DocumentationStatus documentation={status.documentation} />}
        >
          <Documentation
            documentation={status.documentation}
            onGenerate={actions.generateDocuments}
            onOpen={actions.openProjectFile}
          />
        </Section>
      )}
      <Section
        name="facts"
        title="Project facts"
        defaultOpen={false}
        extra={
          <span className="jp-mlops-section-status jp-mlops-neutral" data-failing="0">
            {Object.values(status.project.context).filter(v => v).length} of{' '}
            {status.project.context_form.length}
          </span>
        }
      >
        <ProjectFacts project={status.project} onSave={actions.saveContext} />
      </Section>
      <Section
        name="decisions"
        title="Key decisions"
        count={status.decisions.length}
        defaultOpen={blockedBy(report, 'decisions_recorded')}
      >
        {actions.recordDecision && <RecordDecision onSubmit={actions.recordDecision} />}
        {status.decisions.length > 0 ? (
          <DecisionList decisions={status.decisions} />
        ) : (
          <NoDecisions withForm={actions.recordDecision !== undefined} />
        )}
      </Section>
      <Section
        name="timeline"
        title="Timeline"
        count={status.timeline.length}
        defaultOpen={false}
        openRequest={highlight?.seq}
      >
        <Timeline
          entries={status.timeline}
          highlight={highlight}
          onShowEntry={showEntry}
          runUrl={runUrl}
        />
      </Section>
    </NamesContext.Provider>
  );
}

/** The Documentation section's heading status: Annex IV points missing, stale, or ok. */
function DocumentationStatus(props: { documentation: IDocumentation }): JSX.Element {
  const { documentation } = props;
  const annex = documentation.documents['annex-iv'];
  const missing = annex ? annex.totals.missing ?? 0 : 0;
  const text =
    documentation.generated === null
      ? 'not generated'
      : documentation.stale
        ? 'stale'
        : missing
          ? `${missing} missing`
          : 'complete';
  return (
    <span
      className="jp-mlops-section-status"
      data-failing={documentation.generated === null || documentation.stale || missing ? 1 : 0}
    >
      {text}
    </span>
  );
}

/** The decision form behind a button, so it does not take the sidebar's room until needed. */
function RecordDecision(props: {
  onSubmit: NonNullable<IPanelActions['recordDecision']>;
}): JSX.Element {
  return (
    <div className="jp-mlops-record-decision">
      <Disclosure label="Record a decision" text="Record a decision…">
        <DecisionForm onSubmit={props.onSubmit} />
      </Disclosure>
    </div>
  );
}

function NoProject(props: { hint?: string }): JSX.Element {
  return (
    <EmptyState kind="no-project" title="This notebook is not inside an MLOps project.">
      {props.hint ? (
        <p className="jp-mlops-hint">
          <InlineText text={sentence(props.hint)} />
        </p>
      ) : (
        <p className="jp-mlops-hint">
          Run <CommandSnippet>mlops init</CommandSnippet> in a terminal in the project's root
          folder, or <CommandSnippet>%mlops init</CommandSnippet> in a notebook cell there.
        </p>
      )}
    </EmptyState>
  );
}

function NoDecisions(props: { withForm: boolean }): JSX.Element {
  return (
    <EmptyState kind="no-decisions" title="No key decisions recorded for this notebook yet.">
      <p>
        {props.withForm
          ? 'Record one with the form above, or from a cell:'
          : 'Record one from a cell:'}
      </p>
      <pre className="jp-mlops-snippet-block">
        <code>%mlops decide "TITLE" --why "..."</code>
      </pre>
      <p className="jp-mlops-muted">
        Load the magics first with <CommandSnippet>%load_ext jupyterlab_mlops</CommandSnippet>.
      </p>
    </EmptyState>
  );
}

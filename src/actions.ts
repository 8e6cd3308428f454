/**
 * What the panel's controls can do. The widget (index.ts) binds them to the
 * server, the followed notebook and the shell; a view without an action hides
 * or disables its control.
 */
import type { ISignal } from '@lumino/signaling';

import type { IBatchJob, IBatchOverview } from './batch';
import type {
  IDecisionInput,
  IGeneratedDocuments,
  IReviewRequest,
  IReviewRequestInput,
  ISignoff,
  ISignoffInput
} from './types';

/** The outcome of inserting a fix into the notebook, to tell the user. */
export interface IInsertResult {
  inserted: boolean;
  message: string;
}

/** Batch jobs of the followed notebook (paths relative to the server root). */
export interface IBatchActions {
  /** May it run, its parameters and recent jobs; rejects with an ApiError. */
  overview: (path: string) => Promise<IBatchOverview>;
  /** One job, polled while it is active; rejects with an ApiError. */
  job: (id: string, path: string) => Promise<IBatchJob>;
  /** Show the "Run as batch job" dialog; resolves with the job queued, or null. */
  openDialog: (path: string) => Promise<{ id: string; status: string } | null>;
  /** Open a file (the executed notebook) in JupyterLab. */
  openFile: (path: string) => void;
  /** Jobs queued from anywhere in this window (the command palette too). */
  queued: ISignal<unknown, { id: string; notebook: string }>;
  /** A followed job ended (the panel refreshes: its timeline shows the run). */
  finished?: (job: IBatchJob) => void;
}

export interface IPanelActions {
  /** Run the followed notebook as a batch job and follow its jobs. */
  batch?: IBatchActions;
  /** Record a decision for the followed notebook; rejects with an ApiError. */
  recordDecision?: (input: IDecisionInput) => Promise<void>;
  /**
   * Approve, refuse or revoke for the followed notebook: resolves with the
   * sign-off recorded (once the panel shows it); rejects with an ApiError.
   */
  signOff?: (input: ISignoffInput) => Promise<ISignoff>;
  /**
   * Ask a role to review the followed notebook: resolves with the request
   * (once the panel shows it); rejects with an ApiError.
   */
  requestReview?: (input: IReviewRequestInput) => Promise<IReviewRequest>;
  /**
   * Generate the followed notebook's model card and Annex IV documentation:
   * resolves once the panel shows them; rejects with an ApiError.
   */
  generateDocuments?: () => Promise<IGeneratedDocuments>;
  /**
   * Change registry facts of the followed notebook's project (`''` clears one):
   * resolves with every fact now recorded; rejects with an ApiError.
   */
  saveContext?: (facts: Record<string, string>) => Promise<Record<string, string | null>>;
  /** Insert a code cell with `source` below the notebook's active cell (never run it). */
  insertCellBelow?: (source: string) => IInsertResult;
  /** Select and show the notebook's cell at `index` (0-based). */
  showCell?: (index: number) => void;
  /** Open a file of the project, by its path relative to the project root. */
  openProjectFile?: (path: string) => void;
  /** Open the portfolio view. */
  openPortfolio?: () => void;
  /** Base URL of the MLflow UI (setting `mlflowUrl`). */
  mlflowUrl?: string;
}

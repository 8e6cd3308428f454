/**
 * What the panel's controls can do. The widget (index.ts) binds them to the
 * server, the followed notebook and the shell; a view without an action hides
 * or disables its control.
 */
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

export interface IPanelActions {
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

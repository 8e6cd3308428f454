/**
 * Typed client for the server side of jupyterlab-mlops (`<baseUrl>mlops/api/...`).
 *
 * Only this module knows URLs, HTTP status codes and the JSON error format.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  factRecord,
  normalizeApprovals,
  normalizeDecision,
  normalizeGenerated,
  normalizePortfolio,
  normalizeReviewRequest,
  normalizeSignoff,
  normalizeStatus
} from './normalize';
import {
  IBatchJob,
  IBatchOverview,
  normalizeBatchJob,
  normalizeBatchOverview
} from './batch';
import type {
  IApprovals,
  IDecision,
  IDecisionInput,
  IGeneratedDocuments,
  INotebookStatus,
  IPortfolio,
  IReviewRequest,
  IReviewRequestInput,
  ISignoff,
  ISignoffInput
} from './types';

/** The REST namespace, relative to the server's base URL. */
export const API_NAMESPACE = 'mlops/api';

export * from './types';
export { normalizeStatus } from './normalize';

/** The outcome of a conditional GET. */
export type ConditionalResult<T> =
  { changed: true; data: T; etag: string | null } | { changed: false; etag: string | null };

/**
 * An error the user can act on: a short message, what to do about it, and the
 * HTTP status (0 when the server could not be reached).
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly hint: string = '',
    readonly status: number = 0,
    /** More of the error body: the parameter a 400 is about, the reasons of a 403. */
    readonly details: { field?: string; problems?: string[] } = {}
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Convert anything thrown while talking to the server into an ApiError. */
  static from(error: unknown): ApiError {
    if (error instanceof ApiError) {
      return error;
    }
    if (error instanceof ServerConnection.NetworkError) {
      return new ApiError(
        'Could not reach the Jupyter server.',
        'Check that the server is still running, then reopen the panel.',
        0
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    return new ApiError(message || 'Unexpected error.', '', 0);
  }
}

/** The URL of an endpoint under the MLOps namespace, with an optional query. */
export function apiUrl(
  settings: ServerConnection.ISettings,
  endPoint: string,
  query?: Record<string, string>
): string {
  const url = URLExt.join(settings.baseUrl, API_NAMESPACE, endPoint);
  return query ? url + URLExt.objectToQueryString(query) : url;
}

/** The URL of a notebook's status (path relative to the server root, encoded). */
export function notebookStatusUrl(settings: ServerConnection.ISettings, path: string): string {
  return apiUrl(settings, 'notebook', { path });
}

/**
 * Call an MLOps endpoint through ServerConnection (which adds the token and
 * XSRF headers). Resolves with the raw response for 2xx and 304; rejects with
 * an ApiError for anything else.
 */
export async function requestAPI(
  endPoint: string,
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings(),
  query?: Record<string, string>
): Promise<Response> {
  const url = apiUrl(settings, endPoint, query);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw ApiError.from(error);
  }
  if (response.ok || response.status === 304) {
    return response;
  }
  throw await errorFromResponse(response);
}

/**
 * Read a notebook's MLOps status.
 *
 * With `etag`, the request is conditional: `{changed: false}` means the
 * server answered 304 and the caller's copy is still current.
 */
export async function fetchNotebookStatus(
  path: string,
  options: { etag?: string | null; settings?: ServerConnection.ISettings } = {}
): Promise<ConditionalResult<INotebookStatus>> {
  const headers: Record<string, string> = {};
  if (options.etag) {
    headers['If-None-Match'] = options.etag;
  }
  const response = await requestAPI(
    'notebook',
    { method: 'GET', headers },
    options.settings ?? ServerConnection.makeSettings(),
    { path }
  );
  const etag = response.headers.get('ETag');
  if (response.status === 304) {
    return { changed: false, etag: etag ?? options.etag ?? null };
  }
  const body = await readJson(response);
  return { changed: true, data: normalizeStatus(body, path), etag };
}

/** The body of a 2xx answer, as JSON. */
async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    throw new ApiError(
      'The server sent a response the panel cannot read.',
      'Check that the jupyterlab-mlops server extension is installed and enabled.',
      response.status
    );
  }
}

/** POST a JSON body; resolves with the parsed answer of a 2xx response. */
async function postJson(
  endPoint: string,
  body: unknown,
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<unknown> {
  const response = await requestAPI(
    endPoint,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    },
    settings
  );
  return readJson(response);
}

/**
 * Record a key decision for the notebook at `path` (`POST decisions`, 201).
 * Empty optional fields are left out of the body.
 */
export async function postDecision(
  path: string,
  input: IDecisionInput,
  settings?: ServerConnection.ISettings
): Promise<IDecision> {
  const body: Record<string, unknown> = { path, title: input.title, why: input.why };
  if (input.alternatives && input.alternatives.trim()) {
    body.alternatives = input.alternatives;
  }
  if (input.tags && input.tags.length > 0) {
    body.tags = input.tags;
  }
  const answer = (await postJson('decisions', body, settings)) as { decision?: unknown } | null;
  return normalizeDecision(answer?.decision);
}

/**
 * Approve, refuse or revoke in `role` for the notebook at `path`
 * (`POST signoffs`, 201). A refusal by the rules of the core (separation of
 * duties, identity) rejects with an ApiError of status 403.
 */
export async function postSignoff(
  path: string,
  input: ISignoffInput,
  settings?: ServerConnection.ISettings
): Promise<{ signoff: ISignoff; approvals: IApprovals }> {
  const body: Record<string, unknown> = { path, role: input.role, decision: input.decision };
  if (input.comment && input.comment.trim()) {
    body.comment = input.comment;
  }
  const answer = (await postJson('signoffs', body, settings)) as {
    signoff?: unknown;
    approvals?: unknown;
  } | null;
  return {
    signoff: normalizeSignoff(answer?.signoff),
    approvals: normalizeApprovals(answer?.approvals)
  };
}

/**
 * Ask a role to review the notebook at `path` (`POST review-requests`, 201):
 * resolves with the pending request. An empty comment is left out.
 */
export async function postReviewRequest(
  path: string,
  input: IReviewRequestInput,
  settings?: ServerConnection.ISettings
): Promise<IReviewRequest> {
  const body: Record<string, unknown> = { path, role: input.role };
  if (input.comment && input.comment.trim()) {
    body.comment = input.comment.trim();
  }
  const answer = (await postJson('review-requests', body, settings)) as {
    request?: unknown;
  } | null;
  return normalizeReviewRequest(answer?.request);
}

/**
 * Generate the model card and the Annex IV documentation of the notebook at
 * `path` for its current bundle (`POST documentation`, 201).
 */
export async function postDocumentation(
  path: string,
  format: 'html' | 'md' = 'html',
  settings?: ServerConnection.ISettings
): Promise<IGeneratedDocuments> {
  return normalizeGenerated(await postJson('documentation', { path, format }, settings));
}

/**
 * Change registry facts of the notebook's project (`POST context`, 200): only
 * the facts given change, `''` clears one. Resolves with every fact now recorded.
 */
export async function postContext(
  path: string,
  facts: Record<string, string>,
  settings?: ServerConnection.ISettings
): Promise<Record<string, string | null>> {
  const answer = (await postJson('context', { path, context: facts }, settings)) as {
    context?: unknown;
  } | null;
  return factRecord(answer?.context);
}

/** Every project and notebook under the server root (`GET portfolio`). */
export async function fetchPortfolio(settings?: ServerConnection.ISettings): Promise<IPortfolio> {
  const response = await requestAPI(
    'portfolio',
    { method: 'GET' },
    settings ?? ServerConnection.makeSettings()
  );
  return normalizePortfolio(await readJson(response));
}

/**
 * May the notebook run as a batch job, its parameters and its recent jobs
 * (`GET batch-runs?path=`).
 */
export async function fetchBatchOverview(
  path: string,
  settings?: ServerConnection.ISettings
): Promise<IBatchOverview> {
  const response = await requestAPI(
    'batch-runs',
    { method: 'GET' },
    settings ?? ServerConnection.makeSettings(),
    { path }
  );
  return normalizeBatchOverview(await readJson(response));
}

/**
 * Queue a batch job of the approved notebook at `path` (`POST batch-runs`, 202).
 * Refusals reject with an ApiError: 403 with `details.problems`, 400 with
 * `details.field` naming the parameter.
 */
export async function postBatchRun(
  path: string,
  parameters: Record<string, unknown>,
  settings?: ServerConnection.ISettings
): Promise<{ id: string; status: string }> {
  const answer = (await postJson('batch-runs', { path, parameters }, settings)) as {
    id?: unknown;
    status?: unknown;
  } | null;
  return { id: String(answer?.id ?? ''), status: String(answer?.status ?? 'queued') };
}

/** One batch job (`GET batch-runs/ID?path=`). */
export async function fetchBatchJob(
  id: string,
  path: string,
  settings?: ServerConnection.ISettings
): Promise<IBatchJob> {
  const response = await requestAPI(
    `batch-runs/${encodeURIComponent(id)}`,
    { method: 'GET' },
    settings ?? ServerConnection.makeSettings(),
    { path }
  );
  return normalizeBatchJob(await readJson(response));
}

/** Turn a 4xx/5xx response into an ApiError, reading `{"error", "hint"}` when present. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: any = null;
  try {
    body = JSON.parse(await response.text());
  } catch {
    // not JSON (e.g. a proxy's HTML page): fall back to the status line
  }
  const status = response.status;
  let message: string =
    (body && typeof body.error === 'string' && body.error) ||
    // jupyter_server's own JSON errors (e.g. 403 from the authorizer) use "message"
    (body && typeof body.message === 'string' && body.message) ||
    defaultMessage(status, response.statusText);
  let hint: string = body && typeof body.hint === 'string' ? body.hint : '';
  if (!hint && status === 404 && !(body && body.error)) {
    message = 'The MLOps server extension did not answer.';
    hint =
      'Install jupyterlab-mlops in the environment that runs the Jupyter server and restart it.';
  }
  const details: { field?: string; problems?: string[] } = {};
  if (body && typeof body.field === 'string') {
    details.field = body.field;
  }
  if (body && Array.isArray(body.problems)) {
    details.problems = body.problems.filter((p: unknown) => typeof p === 'string');
  }
  return new ApiError(message, hint, status, details);
}

function defaultMessage(status: number, statusText: string): string {
  const text = statusText ? ` ${statusText}` : '';
  return `The server answered ${status}${text}.`;
}

/**
 * Typed client for the server side of jupyterlab-mlops (`<baseUrl>mlops/api/...`).
 *
 * Only this module knows URLs, HTTP status codes and the JSON error format.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** The REST namespace, relative to the server's base URL. */
export const API_NAMESPACE = 'mlops/api';

/** The MLOps project a notebook belongs to. */
export interface IProjectInfo {
  /** Project root folder, relative to the server root. */
  root: string;
  name: string;
  template: string;
  risk_tier: string;
}

/** A key decision recorded in the ledger. */
export interface IDecision {
  id: string;
  short_id: string;
  title: string;
  why: string;
  alternatives: string | null;
  tags: string[];
  links: string[];
  actor: string;
  /** UTC time, ISO 8601. */
  time: string;
  cell_id: string | null;
  /** Fingerprint of the notebook version the decision was recorded on. */
  fingerprint: string | null;
  /** False when the decision was recorded on an earlier version of the notebook. */
  current: boolean;
}

/** `GET mlops/api/notebook?path=...` */
export interface INotebookStatus {
  path: string;
  project: IProjectInfo | null;
  /** What to do when `project` is null. */
  hint?: string;
  notebook: { exists: boolean; fingerprint: string | null };
  counts: { entries: number; notebook_entries: number; decisions: number };
  decisions: IDecision[];
  ledger: { entries: number; head: string | null };
}

/** The outcome of a conditional GET. */
export type ConditionalResult<T> =
  | { changed: true; data: T; etag: string | null }
  | { changed: false; etag: string | null };

/**
 * An error the user can act on: a short message, what to do about it, and the
 * HTTP status (0 when the server could not be reached).
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly hint: string = '',
    readonly status: number = 0
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
export function notebookStatusUrl(
  settings: ServerConnection.ISettings,
  path: string
): string {
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
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(
      'The server sent a response the panel cannot read.',
      'Check that the jupyterlab-mlops server extension is installed and enabled.',
      response.status
    );
  }
  return { changed: true, data: normalizeStatus(body, path), etag };
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
  return new ApiError(message, hint, status);
}

function defaultMessage(status: number, statusText: string): string {
  const text = statusText ? ` ${statusText}` : '';
  return `The server answered ${status}${text}.`;
}

/** Fill in defaults so the views never trip over a missing field. */
export function normalizeStatus(raw: unknown, path: string): INotebookStatus {
  const body = (raw && typeof raw === 'object' ? raw : {}) as Partial<INotebookStatus>;
  const counts: Partial<INotebookStatus['counts']> = body.counts ?? {};
  const decisions = Array.isArray(body.decisions) ? body.decisions : [];
  return {
    path: typeof body.path === 'string' ? body.path : path,
    project: body.project ?? null,
    hint: typeof body.hint === 'string' ? body.hint : undefined,
    notebook: {
      exists: body.notebook?.exists ?? true,
      fingerprint: body.notebook?.fingerprint ?? null
    },
    counts: {
      entries: counts.entries ?? 0,
      notebook_entries: counts.notebook_entries ?? 0,
      decisions: counts.decisions ?? decisions.length
    },
    decisions: decisions.map(normalizeDecision),
    ledger: {
      entries: body.ledger?.entries ?? 0,
      head: body.ledger?.head ?? null
    }
  };
}

function normalizeDecision(raw: Partial<IDecision>): IDecision {
  const id = String(raw.id ?? '');
  return {
    id,
    short_id: String(raw.short_id ?? id.slice(0, 12)),
    title: String(raw.title ?? ''),
    why: String(raw.why ?? ''),
    alternatives: raw.alternatives ? String(raw.alternatives) : null,
    tags: Array.isArray(raw.tags) ? raw.tags.map(String) : [],
    links: Array.isArray(raw.links) ? raw.links.map(String) : [],
    actor: String(raw.actor ?? ''),
    time: String(raw.time ?? ''),
    cell_id: raw.cell_id ?? null,
    fingerprint: raw.fingerprint ?? null,
    current: raw.current !== false
  };
}

/**
 * Pure formatting helpers shared by the views (no DOM, no React).
 */
import type { IDecision } from './api';

const SHA256_PREFIX = 'sha256:';

/** `sha256:<64 hex>` → the first 12 hex characters; null → null. */
export function shortFingerprint(fingerprint: string | null | undefined): string | null {
  if (!fingerprint) {
    return null;
  }
  const hex = fingerprint.startsWith(SHA256_PREFIX)
    ? fingerprint.slice(SHA256_PREFIX.length)
    : fingerprint;
  return hex.slice(0, 12);
}

/**
 * An identity in one short line: `Name <email>` → `Name`; anything else as it is.
 * (The server names a listed person; this is the fallback.)
 */
export function shortIdentity(identity: string): string {
  const match = /^\s*([^<>]*?)\s*<[^<>]*>\s*$/.exec(identity);
  return match && match[1] ? match[1] : identity;
}

/** The 12-character id shown for an entry. */
export function shortId(decision: Pick<IDecision, 'id' | 'short_id'>): string {
  return (decision.short_id || decision.id).slice(0, 12);
}

/** Milliseconds since the epoch, or NaN for an unreadable time. */
export function parseTime(iso: string): number {
  // Date.parse accepts the server's microseconds ("...22.123456Z") in all
  // current engines; trim to milliseconds anyway to stay on the spec's format.
  const trimmed = iso.replace(/(\.\d{3})\d+/, '$1');
  return Date.parse(trimmed);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** One formatter per locale: building one costs far more than formatting with it. */
function timeFormat(locale?: string): Intl.DateTimeFormat {
  const key = locale ?? '';
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    timeFormats.set(key, format);
  }
  return format;
}

/** A readable local time ("22 Nov 2026, 23:31"), or the raw text when unreadable. */
export function formatLocalTime(iso: string, locale?: string): string {
  const ms = parseTime(iso);
  if (Number.isNaN(ms)) {
    return iso;
  }
  return timeFormat(locale).format(new Date(ms));
}

/**
 * Decisions (or anything with a time) newest first. Unreadable times sort
 * last; ties keep the server's order (the sort is stable).
 */
export function newestFirst<T extends Pick<IDecision, 'time'>>(decisions: readonly T[]): T[] {
  const key = (d: T): number => {
    const ms = parseTime(d.time);
    return Number.isNaN(ms) ? -Infinity : ms;
  };
  return [...decisions].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka === kb ? 0 : kb > ka ? 1 : -1;
  });
}

/** "1 entry" / "3 entries". */
export function plural(count: number, singular: string, pluralForm?: string): string {
  return `${count} ${count === 1 ? singular : (pluralForm ?? `${singular}s`)}`;
}

/** "save the notebook first" → "Save the notebook first." */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) {
    return trimmed;
  }
  const capitalised = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** "data.registered" → "data registered". */
export function kindLabel(kind: string): string {
  return kind.replace(/[._]/g, ' ');
}

/** A link of an entry, `kind:ref` ("entry:<hash>", "mlflow-run:<id>", "dvc-md5:<hash>"). */
export function parseLink(link: string): { kind: string; ref: string } {
  const colon = link.indexOf(':');
  return colon < 0
    ? { kind: '', ref: link }
    : { kind: link.slice(0, colon), ref: link.slice(colon + 1) };
}

/**
 * The base URL of a web UI from a setting, without trailing slashes; null
 * unless it is an absolute http(s) URL (never `javascript:` and the like).
 */
export function safeBaseUrl(url: string | null | undefined): string | null {
  const trimmed = (url ?? '').trim();
  if (!/^https?:\/\//i.test(trimmed)) {
    return null;
  }
  try {
    new URL(trimmed);
  } catch {
    return null;
  }
  return trimmed.replace(/\/+$/, '');
}

/**
 * The MLflow UI page of a run: under its experiment when known, else the
 * UI's direct run route (which redirects to it). Null without a usable base URL.
 */
export function mlflowRunUrl(
  baseUrl: string | null | undefined,
  runId: string,
  experimentId?: string | null
): string | null {
  const base = safeBaseUrl(baseUrl);
  if (!base || !runId) {
    return null;
  }
  const run = encodeURIComponent(runId);
  return experimentId
    ? `${base}/#/experiments/${encodeURIComponent(experimentId)}/runs/${run}`
    : `${base}/#/runs/${run}`;
}

/**
 * The MLflow UI page of a run's artifact (a file or folder under the run's
 * artifact root), on the run page's Artifacts tab. That route needs the
 * experiment; without it, the run's direct page (which redirects to it, at its
 * Overview tab). Null without a usable base URL or run id.
 */
export function mlflowArtifactUrl(
  baseUrl: string | null | undefined,
  runId: string,
  artifactPath: string,
  experimentId?: string | null
): string | null {
  const run = mlflowRunUrl(baseUrl, runId, experimentId);
  const parts = artifactPath.split('/').filter(p => p && p !== '.' && p !== '..');
  if (!run || !experimentId || parts.length === 0) {
    return run;
  }
  return `${run}/artifacts/${parts.map(encodeURIComponent).join('/')}`;
}

/** An `mlflow-artifact` evidence ref, `RUN_ID/PATH`, split at the first slash. */
export function splitArtifactRef(ref: string): { runId: string; path: string } {
  const slash = ref.indexOf('/');
  return slash < 0
    ? { runId: ref, path: '' }
    : { runId: ref.slice(0, slash), path: ref.slice(slash + 1) };
}

/** The last part of a path ("dir/a.ipynb" → "a.ipynb"). */
export function baseName(path: string): string {
  return path.split('/').pop() || path;
}

/** `path` relative to `root` when inside it ("p/dir/a.ipynb", "p" → "dir/a.ipynb"). */
export function relativeTo(path: string, root: string): string {
  if (!root || root === '.') {
    return path;
  }
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

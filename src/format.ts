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

/** A readable local time ("22 Nov 2026, 23:31"), or the raw text when unreadable. */
export function formatLocalTime(iso: string, locale?: string): string {
  const ms = parseTime(iso);
  if (Number.isNaN(ms)) {
    return iso;
  }
  return new Date(ms).toLocaleString(locale, {
    dateStyle: 'medium',
    timeStyle: 'short'
  });
}

/**
 * Decisions newest first. Unreadable times sort last; ties keep the server's
 * order (the sort is stable).
 */
export function newestFirst(decisions: readonly IDecision[]): IDecision[] {
  const key = (d: IDecision): number => {
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
  return `${count} ${count === 1 ? singular : pluralForm ?? `${singular}s`}`;
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

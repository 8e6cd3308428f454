/**
 * The panel's state: which notebook it follows, what the server last said about
 * it, and when to ask again (debounced refreshes, polling while visible).
 *
 * The model knows nothing about JupyterLab widgets or HTTP: it is handed a
 * `fetcher` (see api.ts) and told what happens (path changed, cell executed,
 * notebook saved, panel shown or hidden).
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { ApiError, ConditionalResult, INotebookStatus } from './api';

/** Reads a notebook's status; `etag` makes the request conditional. */
export type StatusFetcher = (
  path: string,
  etag: string | null
) => Promise<ConditionalResult<INotebookStatus>>;

/** What the view renders. Replaced (never mutated) on every change. */
export interface IPanelState {
  /** The notebook the panel follows (relative to the server root), or null. */
  readonly path: string | null;
  /**
   * - `no-notebook`: no notebook is open;
   * - `loading`: first request for `path` is under way (no data yet);
   * - `ready`: `data` describes `path`;
   * - `error`: the last request failed (`error` says why).
   */
  readonly status: 'no-notebook' | 'loading' | 'ready' | 'error';
  readonly data: INotebookStatus | null;
  readonly error: ApiError | null;
}

/** Defaults, in milliseconds. */
export const DEFAULT_DEBOUNCE_MS = 300;
export const DEFAULT_POLL_INTERVAL_MS = 5000;

export class MlopsModel implements IDisposable {
  constructor(options: MlopsModel.IOptions) {
    this._fetcher = options.fetcher;
    this._debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this._pollInterval = options.pollInterval ?? DEFAULT_POLL_INTERVAL_MS;
    this._isDocumentHidden =
      options.isDocumentHidden ??
      (() => typeof document !== 'undefined' && document.visibilityState === 'hidden');
  }

  /** Emitted whenever `state` changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get state(): IPanelState {
    return this._state;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The notebook to follow, relative to the server root (null: none). */
  get path(): string | null {
    return this._state.path;
  }

  set path(path: string | null) {
    if (this._isDisposed || path === this._state.path) {
      return;
    }
    this._generation++; // answers for the previous path are now stale
    this._etag = null;
    this._clearDebounce();
    this._clearPoll();
    this._setState({
      path,
      status: path ? 'loading' : 'no-notebook',
      data: null,
      error: null
    });
    if (path && this._visible) {
      void this.refresh();
    }
  }

  /** Whether the panel is on screen; polling only runs while it is. */
  get visible(): boolean {
    return this._visible;
  }

  setVisible(visible: boolean): void {
    if (this._isDisposed || visible === this._visible) {
      return;
    }
    this._visible = visible;
    if (visible) {
      // Catch up on whatever happened while hidden (cheap: conditional GET).
      if (this._state.path) {
        void this.refresh();
      }
    } else {
      this._clearDebounce();
      this._clearPoll();
    }
  }

  /** Polling interval in milliseconds; 0 or less turns polling off. */
  get pollInterval(): number {
    return this._pollInterval;
  }

  set pollInterval(ms: number) {
    if (ms === this._pollInterval) {
      return;
    }
    this._pollInterval = ms;
    this._clearPoll();
    this._schedulePoll();
  }

  /**
   * Ask for a refresh shortly: several calls within the debounce window
   * (e.g. one per executed cell) make a single request. While the panel is
   * hidden nothing is fetched; it refreshes when shown.
   */
  scheduleRefresh(): void {
    if (this._isDisposed || !this._state.path) {
      return;
    }
    if (!this._visible) {
      return; // setVisible(true) refreshes anyway
    }
    this._clearDebounce();
    this._debounceTimer = setTimeout(() => {
      this._debounceTimer = null;
      void this.refresh();
    }, this._debounceMs);
  }

  /** Fetch now. Calls made while a request is under way are coalesced into one more. */
  async refresh(): Promise<void> {
    if (this._isDisposed || !this._state.path) {
      return;
    }
    this._clearDebounce();
    if (this._inFlight) {
      this._again = true;
      return this._inFlight;
    }
    this._clearPoll(); // the next poll counts from the end of this request
    this._inFlight = this._fetchOnce();
    try {
      await this._inFlight;
    } finally {
      this._inFlight = null;
    }
    if (this._again && !this._isDisposed) {
      this._again = false;
      return this.refresh();
    }
    this._schedulePoll();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._generation++;
    this._clearDebounce();
    this._clearPoll();
    Signal.clearData(this);
  }

  private async _fetchOnce(): Promise<void> {
    const path = this._state.path;
    if (!path) {
      return;
    }
    const generation = this._generation;
    const isCurrent = () => !this._isDisposed && generation === this._generation;
    try {
      const result = await this._fetcher(path, this._etag);
      if (!isCurrent()) {
        return;
      }
      if (result.changed) {
        this._etag = result.etag;
        this._setState({ path, status: 'ready', data: result.data, error: null });
      } else if (this._state.status !== 'ready') {
        // 304 without data in hand (should not happen): fetch in full next time.
        this._etag = null;
        this._again = true;
      }
    } catch (error) {
      if (!isCurrent()) {
        return;
      }
      this._etag = null;
      this._setState({ path, status: 'error', data: null, error: ApiError.from(error) });
    }
  }

  private _schedulePoll(): void {
    if (
      this._isDisposed ||
      !this._visible ||
      this._pollInterval <= 0 ||
      !this._state.path ||
      this._pollTimer !== null ||
      this._inFlight !== null
    ) {
      return;
    }
    this._pollTimer = setTimeout(() => {
      this._pollTimer = null;
      if (this._isDocumentHidden()) {
        this._schedulePoll(); // browser tab in the background: skip this tick
      } else {
        void this.refresh();
      }
    }, this._pollInterval);
  }

  private _clearPoll(): void {
    if (this._pollTimer !== null) {
      clearTimeout(this._pollTimer);
      this._pollTimer = null;
    }
  }

  private _clearDebounce(): void {
    if (this._debounceTimer !== null) {
      clearTimeout(this._debounceTimer);
      this._debounceTimer = null;
    }
  }

  private _setState(next: IPanelState): void {
    const prev = this._state;
    if (
      prev.path === next.path &&
      prev.status === next.status &&
      prev.data === next.data &&
      prev.error === next.error
    ) {
      return;
    }
    this._state = next;
    this._changed.emit();
  }

  private _fetcher: StatusFetcher;
  private _debounceMs: number;
  private _pollInterval: number;
  private _isDocumentHidden: () => boolean;
  private _state: IPanelState = {
    path: null,
    status: 'no-notebook',
    data: null,
    error: null
  };
  private _etag: string | null = null;
  private _visible = false;
  private _generation = 0;
  private _inFlight: Promise<void> | null = null;
  private _again = false;
  private _debounceTimer: ReturnType<typeof setTimeout> | null = null;
  private _pollTimer: ReturnType<typeof setTimeout> | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace MlopsModel {
  export interface IOptions {
    fetcher: StatusFetcher;
    /** Delay that groups bursts of `scheduleRefresh()` calls (default 300 ms). */
    debounceMs?: number;
    /** Polling interval while visible (default 5000 ms; 0 turns it off). */
    pollInterval?: number;
    /** Whether the browser tab is in the background (polls are skipped then). */
    isDocumentHidden?: () => boolean;
  }
}

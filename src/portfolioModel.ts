/**
 * The portfolio view's state: the last answer of `GET portfolio`, refreshed
 * when the view is shown, on request, and every `pollInterval` while visible.
 * Knows nothing about widgets or HTTP (it is handed a `fetcher`).
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { ApiError, IPortfolio } from './api';

export type PortfolioFetcher = () => Promise<IPortfolio>;

export interface IPortfolioState {
  /** `loading`: the first answer is awaited; `error`: the last request failed. */
  readonly status: 'loading' | 'ready' | 'error';
  /** The last answer (kept while a refresh is under way or after it failed). */
  readonly data: IPortfolio | null;
  readonly error: ApiError | null;
  /** A request is under way. */
  readonly busy: boolean;
}

/** The portfolio reads every project: poll it much less often than the panel. */
export const DEFAULT_PORTFOLIO_POLL_MS = 30000;

export class PortfolioModel implements IDisposable {
  constructor(options: { fetcher: PortfolioFetcher; pollInterval?: number }) {
    this._fetcher = options.fetcher;
    this._pollInterval = options.pollInterval ?? DEFAULT_PORTFOLIO_POLL_MS;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get state(): IPortfolioState {
    return this._state;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Shown: refresh now, then poll; hidden: stop polling. */
  setVisible(visible: boolean): void {
    if (this._isDisposed || visible === this._visible) {
      return;
    }
    this._visible = visible;
    if (visible) {
      void this.refresh();
    } else {
      this._clearPoll();
    }
  }

  /** Fetch now (a call while a request is under way waits for that one). */
  async refresh(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    if (this._inFlight) {
      return this._inFlight;
    }
    this._clearPoll();
    this._set({ ...this._state, busy: true });
    this._inFlight = this._fetchOnce();
    try {
      await this._inFlight;
    } finally {
      this._inFlight = null;
    }
    this._schedulePoll();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._clearPoll();
    Signal.clearData(this);
  }

  private async _fetchOnce(): Promise<void> {
    try {
      const data = await this._fetcher();
      if (!this._isDisposed) {
        this._set({ status: 'ready', data, error: null, busy: false });
      }
    } catch (reason) {
      if (!this._isDisposed) {
        this._set({
          status: 'error',
          data: this._state.data,
          error: ApiError.from(reason),
          busy: false
        });
      }
    }
  }

  private _schedulePoll(): void {
    if (this._isDisposed || !this._visible || this._pollInterval <= 0 || this._timer !== null) {
      return;
    }
    this._timer = setTimeout(() => {
      this._timer = null;
      void this.refresh();
    }, this._pollInterval);
  }

  private _clearPoll(): void {
    if (this._timer !== null) {
      clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private _set(state: IPortfolioState): void {
    this._state = state;
    this._changed.emit();
  }

  private _fetcher: PortfolioFetcher;
  private _pollInterval: number;
  private _state: IPortfolioState = { status: 'loading', data: null, error: null, busy: false };
  private _visible = false;
  private _inFlight: Promise<void> | null = null;
  private _timer: ReturnType<typeof setTimeout> | null = null;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

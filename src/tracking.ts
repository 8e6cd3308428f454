/**
 * Keeps the model pointed at the active notebook and tells it when the
 * notebook's record may have changed: a cell finished executing (a
 * `%mlops decide` in the kernel appends to the ledger) or the notebook was
 * saved (its fingerprint changes).
 *
 * Typed structurally so that tests can drive it with plain Lumino signals;
 * INotebookTracker, NotebookPanel and NotebookActions.executed fit these types.
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal } from '@lumino/signaling';

import { MlopsModel } from './model';

/** The parts of a NotebookPanel the follower uses. */
export interface ITrackedNotebook {
  /** The Notebook widget: compared with the `notebook` of executed signals. */
  readonly content: unknown;
  readonly context: {
    readonly path: string;
    readonly pathChanged: ISignal<any, string>;
    readonly saveState: ISignal<any, 'started' | 'completed' | 'failed'>;
  };
}

/** The parts of INotebookTracker the follower uses. */
export interface INotebookSource {
  readonly currentWidget: ITrackedNotebook | null;
  readonly currentChanged: ISignal<any, ITrackedNotebook | null>;
}

/** The parts of NotebookActions.executed the follower uses. */
export type ExecutedSignal = ISignal<any, { notebook: unknown }>;

export class NotebookFollower implements IDisposable {
  constructor(options: NotebookFollower.IOptions) {
    this._model = options.model;
    this._tracker = options.tracker;
    this._executed = options.executed;
    this._toServerPath = options.toServerPath ?? (path => path);

    this._tracker.currentChanged.connect(this._onCurrentChanged, this);
    this._executed.connect(this._onExecuted, this);
    this._follow(this._tracker.currentWidget);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._tracker.currentChanged.disconnect(this._onCurrentChanged, this);
    this._executed.disconnect(this._onExecuted, this);
    this._follow(null);
  }

  private _onCurrentChanged(_: unknown, panel: ITrackedNotebook | null): void {
    this._follow(panel);
  }

  private _follow(panel: ITrackedNotebook | null): void {
    const previous = this._current;
    if (previous) {
      previous.context.pathChanged.disconnect(this._onPathChanged, this);
      previous.context.saveState.disconnect(this._onSaveState, this);
    }
    this._current = this._isDisposed ? null : panel;
    if (this._current) {
      this._current.context.pathChanged.connect(this._onPathChanged, this);
      this._current.context.saveState.connect(this._onSaveState, this);
    }
    if (!this._isDisposed) {
      this._model.path = this._current
        ? this._toServerPath(this._current.context.path)
        : null;
    }
  }

  private _onPathChanged(_: unknown, path: string): void {
    this._model.path = this._toServerPath(path);
  }

  private _onSaveState(_: unknown, state: 'started' | 'completed' | 'failed'): void {
    if (state === 'completed') {
      this._model.scheduleRefresh();
    }
  }

  private _onExecuted(_: unknown, args: { notebook: unknown }): void {
    if (this._current && args.notebook === this._current.content) {
      this._model.scheduleRefresh();
    }
  }

  private _model: MlopsModel;
  private _tracker: INotebookSource;
  private _executed: ExecutedSignal;
  private _toServerPath: (path: string) => string;
  private _current: ITrackedNotebook | null = null;
  private _isDisposed = false;
}

export namespace NotebookFollower {
  export interface IOptions {
    model: MlopsModel;
    tracker: INotebookSource;
    executed: ExecutedSignal;
    /** Maps a document path (possibly `drive:path`) to a path on the server. */
    toServerPath?: (path: string) => string;
  }
}

/**
 * jupyterlab-mlops: the MLOps side panel and the portfolio view.
 *
 * Wiring only: build the models, the widgets and the follower, then connect
 * them to the shell, the notebook tracker, the commands and the settings.
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { Signal } from '@lumino/signaling';
import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { IPanelActions } from './actions';
import {
  ApiError,
  fetchBatchJob,
  fetchBatchOverview,
  fetchNotebookStatus,
  fetchPortfolio,
  postContext,
  postDecision,
  postDocumentation,
  postBatchRun,
  postReviewRequest,
  postSignoff
} from './api';
import { showBatchDialog } from './components/BatchDialog';
import { mlopsIcon } from './icons';
import { DEFAULT_POLL_INTERVAL_MS, MlopsModel } from './model';
import { insertCodeCellBelow, showCell } from './notebookEdit';
import { PortfolioModel } from './portfolioModel';
import { PortfolioPanel } from './portfolioWidget';
import { NotebookFollower } from './tracking';
import { MlopsPanel, PANEL_ID } from './widget';

const PLUGIN_ID = 'jupyterlab-mlops:plugin';

/** Command that opens the panel (handy for menus, shortcuts and browser tests). */
export const OPEN_COMMAND = 'jupyterlab-mlops:open-panel';

/** Command that opens the portfolio view in the main area. */
export const OPEN_PORTFOLIO_COMMAND = 'jupyterlab-mlops:open-portfolio';

/** Command that runs the active notebook as a batch job (its dialog first). */
export const RUN_BATCH_COMMAND = 'jupyterlab-mlops:run-batch-job';

/** The MLflow UI that `make mlflow-ui` starts. */
export const DEFAULT_MLFLOW_URL = 'http://127.0.0.1:5000';

/** Where the panel sits among the right sidebar's tabs. */
const RIGHT_SIDEBAR_RANK = 600;

const PALETTE_CATEGORY = 'MLOps';

/** The sender of the batch "queued" signal. */
const panelToken = { id: 'jupyterlab-mlops:batch' };

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'A side panel with the readiness, evidence and sign-offs of the active notebook, ' +
    'and a portfolio of every project.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ILayoutRestorer, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null
  ): void => {
    const serverSettings = app.serviceManager.serverSettings;
    const contents = app.serviceManager.contents;
    // "drive:dir/nb.ipynb" (e.g. collaborative drives) → "dir/nb.ipynb"
    const toServerPath = (path: string) => contents.localPath(path);

    const model = new MlopsModel({
      fetcher: (path, etag) => fetchNotebookStatus(path, { etag, settings: serverSettings }),
      pollInterval: DEFAULT_POLL_INTERVAL_MS
    });

    /** The notebook the panel shows, if it is still open. */
    const followedNotebook = (): NotebookPanel | null => {
      const current = tracker.currentWidget;
      return current && model.path && toServerPath(current.context.path) === model.path
        ? current
        : null;
    };
    const followedPath = (): string => {
      if (!model.path) {
        throw new ApiError('Open a notebook first.', 'the panel acts on the active notebook');
      }
      return model.path;
    };
    const openPath = async (path: string): Promise<void> => {
      await app.commands.execute('docmanager:open', { path });
    };

    // batch jobs: the dialog (from the panel or the palette) and the panel's progress
    const queued = new Signal<unknown, { id: string; notebook: string }>(panelToken);
    const openBatchDialog = async (path: string) => {
      const overview = await fetchBatchOverview(path, serverSettings);
      const job = await showBatchDialog(path, overview, parameters =>
        postBatchRun(path, parameters, serverSettings)
      );
      if (job) {
        queued.emit({ id: job.id, notebook: path });
        app.shell.activateById(PANEL_ID);
      }
      return job;
    };

    const baseActions: IPanelActions = {
      batch: {
        overview: path => fetchBatchOverview(path, serverSettings),
        job: (id, path) => fetchBatchJob(id, path, serverSettings),
        openDialog: openBatchDialog,
        openFile: path => void openPath(path),
        queued,
        finished: () => void model.refresh()
      },
      recordDecision: async input => {
        await postDecision(followedPath(), input, serverSettings);
        await model.refresh();
      },
      signOff: async input => {
        const { signoff } = await postSignoff(followedPath(), input, serverSettings);
        await model.refresh();
        return signoff;
      },
      requestReview: async input => {
        const request = await postReviewRequest(followedPath(), input, serverSettings);
        await model.refresh();
        return request;
      },
      generateDocuments: async () => {
        const generated = await postDocumentation(followedPath(), 'html', serverSettings);
        await model.refresh();
        return generated;
      },
      saveContext: async facts => {
        const context = await postContext(followedPath(), facts, serverSettings);
        await model.refresh();
        return context;
      },
      insertCellBelow: source => {
        const panel = followedNotebook();
        if (!panel) {
          return { inserted: false, message: 'Open the notebook in the editor first.' };
        }
        const index = insertCodeCellBelow(panel.content, source);
        if (index < 0) {
          return { inserted: false, message: 'The notebook is not ready yet; try again.' };
        }
        app.shell.activateById(panel.id);
        return {
          inserted: true,
          message: `Inserted as cell ${index + 1}, not run: edit it, then run it.`
        };
      },
      showCell: index => {
        const panel = followedNotebook();
        if (panel && showCell(panel.content, index)) {
          app.shell.activateById(panel.id);
        }
      },
      openProjectFile: path => {
        const root = model.state.data?.project?.root ?? '';
        void openPath(root && root !== '.' ? `${root}/${path}` : path);
      },
      openPortfolio: () => {
        void app.commands.execute(OPEN_PORTFOLIO_COMMAND);
      },
      mlflowUrl: DEFAULT_MLFLOW_URL
    };

    const panel = new MlopsPanel(model, baseActions);

    new NotebookFollower({
      model,
      tracker,
      executed: NotebookActions.executed,
      toServerPath
    });

    app.shell.add(panel, 'right', { rank: RIGHT_SIDEBAR_RANK });
    if (restorer) {
      restorer.add(panel, PANEL_ID);
    }

    app.commands.addCommand(OPEN_COMMAND, {
      label: 'Show MLOps Panel',
      caption: 'MLOps governance',
      icon: mlopsIcon,
      execute: () => app.shell.activateById(PANEL_ID)
    });

    // one portfolio view at a time; a new one after it was closed
    let portfolio: PortfolioPanel | null = null;
    const openFromPortfolio = async (path: string): Promise<void> => {
      await openPath(path);
      app.shell.activateById(PANEL_ID);
    };
    app.commands.addCommand(OPEN_PORTFOLIO_COMMAND, {
      label: 'MLOps: Open Portfolio',
      caption: "Every MLOps project's notebooks: stage, failing items, stale approvals",
      icon: mlopsIcon,
      execute: () => {
        if (!portfolio || portfolio.isDisposed) {
          const portfolioModel = new PortfolioModel({
            fetcher: () => fetchPortfolio(serverSettings)
          });
          portfolio = new PortfolioPanel(portfolioModel, path => void openFromPortfolio(path));
        }
        if (!portfolio.isAttached) {
          app.shell.add(portfolio, 'main');
        }
        app.shell.activateById(portfolio.id);
      }
    });

    const activeNotebookPath = (): string | null =>
      tracker.currentWidget ? toServerPath(tracker.currentWidget.context.path) : null;
    app.commands.addCommand(RUN_BATCH_COMMAND, {
      label: 'MLOps: Run as Batch Job…',
      caption: 'Run the approved notebook on the server with new parameters (papermill)',
      icon: mlopsIcon,
      isEnabled: () => activeNotebookPath() !== null,
      execute: async args => {
        const path = typeof args.path === 'string' ? args.path : activeNotebookPath();
        if (!path) {
          return;
        }
        try {
          await openBatchDialog(path);
        } catch (reason) {
          const error = ApiError.from(reason);
          await showErrorMessage('Cannot run as a batch job', `${error.message} ${error.hint}`);
        }
      }
    });

    if (palette) {
      palette.addItem({ command: RUN_BATCH_COMMAND, category: PALETTE_CATEGORY });
      palette.addItem({ command: OPEN_PORTFOLIO_COMMAND, category: PALETTE_CATEGORY });
      palette.addItem({ command: OPEN_COMMAND, category: PALETTE_CATEGORY });
    }

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = (): void => {
            const seconds = settings.get('refreshInterval').composite as number;
            model.pollInterval =
              typeof seconds === 'number' && seconds > 0 ? Math.round(seconds * 1000) : 0;
            const mlflowUrl = settings.get('mlflowUrl').composite;
            panel.actions = {
              ...baseActions,
              mlflowUrl: typeof mlflowUrl === 'string' ? mlflowUrl : DEFAULT_MLFLOW_URL
            };
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.warn('jupyterlab-mlops: could not load settings', reason);
        });
    }
  }
};

export default plugin;

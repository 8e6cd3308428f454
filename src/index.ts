/**
 * jupyterlab-mlops: the MLOps side panel.
 *
 * Wiring only: build the model, the panel and the follower, then connect them
 * to the shell, the notebook tracker and the settings.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { fetchNotebookStatus } from './api';
import { mlopsIcon } from './icons';
import { DEFAULT_POLL_INTERVAL_MS, MlopsModel } from './model';
import { NotebookFollower } from './tracking';
import { MlopsPanel, PANEL_ID } from './widget';

const PLUGIN_ID = 'jupyterlab-mlops:plugin';

/** Command that opens the panel (handy for menus, shortcuts and browser tests). */
export const OPEN_COMMAND = 'jupyterlab-mlops:open-panel';

/** Where the panel sits among the right sidebar's tabs. */
const RIGHT_SIDEBAR_RANK = 600;

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'A side panel that shows the MLOps record of the active notebook.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ISettingRegistry, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const serverSettings = app.serviceManager.serverSettings;
    const contents = app.serviceManager.contents;

    const model = new MlopsModel({
      fetcher: (path, etag) => fetchNotebookStatus(path, { etag, settings: serverSettings }),
      pollInterval: DEFAULT_POLL_INTERVAL_MS
    });
    const panel = new MlopsPanel(model);

    new NotebookFollower({
      model,
      tracker,
      executed: NotebookActions.executed,
      // "drive:dir/nb.ipynb" (e.g. collaborative drives) → "dir/nb.ipynb"
      toServerPath: path => contents.localPath(path)
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

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = (): void => {
            const seconds = settings.get('refreshInterval').composite as number;
            model.pollInterval =
              typeof seconds === 'number' && seconds > 0 ? Math.round(seconds * 1000) : 0;
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

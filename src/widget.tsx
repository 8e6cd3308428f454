import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { IPanelActions } from './actions';
import { PanelView } from './components/PanelView';
import { mlopsIcon } from './icons';
import { MlopsModel } from './model';
import { VisibleModelWidget } from './visibleWidget';

/** The widget's id in the shell (also the sidebar tab's `data-id`). */
export const PANEL_ID = 'jupyterlab-mlops:panel';

/**
 * The right-sidebar panel: renders the model and tells it when the panel is
 * on screen (polling only runs then).
 */
export class MlopsPanel extends VisibleModelWidget<MlopsModel> {
  constructor(
    model: MlopsModel,
    actions: IPanelActions = {}
  ) {
    super(model);
    this._actions = actions;
    this.id = PANEL_ID;
    this.addClass('jp-mlops-sidebar');
    this.title.icon = mlopsIcon;
    this.title.caption = 'MLOps governance';
    this.title.label = ''; // sidebar tabs show the icon; the label would be rotated text
    this.node.setAttribute('aria-label', 'MLOps');
  }

  /** What the panel's controls do (replaced, e.g. when a setting changes). */
  get actions(): IPanelActions {
    return this._actions;
  }

  set actions(actions: IPanelActions) {
    this._actions = actions;
    this.update();
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => (
          <PanelView state={this.model.state} onRefresh={this.onRefresh} actions={this._actions} />
        )}
      </UseSignal>
    );
  }


  private _actions: IPanelActions;
}

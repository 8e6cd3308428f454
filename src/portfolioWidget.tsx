import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import * as React from 'react';

import { PortfolioView } from './components/PortfolioView';
import { mlopsIcon } from './icons';
import { PortfolioModel } from './portfolioModel';

/** The portfolio's id in the shell. */
export const PORTFOLIO_ID = 'jupyterlab-mlops:portfolio';

/**
 * The portfolio in the main area. Refreshes when shown and polls while
 * visible (see PortfolioModel); `onOpen` opens a notebook and the panel.
 */
export class PortfolioPanel extends ReactWidget {
  constructor(
    readonly model: PortfolioModel,
    private readonly _onOpen: (path: string) => void
  ) {
    super();
    this.id = PORTFOLIO_ID;
    this.addClass('jp-mlops-portfolio-widget');
    this.title.icon = mlopsIcon;
    this.title.label = 'MLOps Portfolio';
    this.title.caption = "Every MLOps project's notebooks: stage, failing items, approvals";
    this.title.closable = true;
    this.node.setAttribute('aria-label', 'MLOps portfolio');
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this.model.changed}>
        {() => (
          <PortfolioView
            state={this.model.state}
            onRefresh={this._onRefresh}
            onOpen={this._onOpen}
          />
        )}
      </UseSignal>
    );
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.setVisible(true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.setVisible(false);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.model.setVisible(this.isVisible);
  }

  protected onBeforeDetach(msg: Message): void {
    this.model.setVisible(false);
    super.onBeforeDetach(msg);
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.model.dispose();
    }
    super.dispose();
  }

  private _onRefresh = (): void => {
    void this.model.refresh();
  };
}

import { UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { PortfolioView } from './components/PortfolioView';
import { mlopsIcon } from './icons';
import { PortfolioModel } from './portfolioModel';
import { VisibleModelWidget } from './visibleWidget';

/** The portfolio's id in the shell. */
export const PORTFOLIO_ID = 'jupyterlab-mlops:portfolio';

/**
 * The portfolio in the main area. Refreshes when shown and polls while
 * visible (see PortfolioModel); `onOpen` opens a notebook and the panel.
 */
export class PortfolioPanel extends VisibleModelWidget<PortfolioModel> {
  constructor(
    model: PortfolioModel,
    private readonly _onOpen: (path: string) => void
  ) {
    super(model);
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
            onRefresh={this.onRefresh}
            onOpen={this._onOpen}
          />
        )}
      </UseSignal>
    );
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.model.dispose();
    }
    super.dispose();
  }
}

/**
 * A React widget whose model polls only while it is on screen: the lifecycle
 * messages that tell the model so, shared by the side panel and the portfolio.
 */
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';

/** A model that refreshes on demand and polls only while visible. */
export interface IVisibleModel {
  setVisible(visible: boolean): void;
  refresh(): Promise<void>;
}

export abstract class VisibleModelWidget<M extends IVisibleModel> extends ReactWidget {
  constructor(readonly model: M) {
    super();
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

  protected onRefresh = (): void => {
    void this.model.refresh();
  };
}

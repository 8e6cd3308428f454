import { Widget } from '@lumino/widgets';

import { ConditionalResult, INotebookStatus } from '../api';
import { MlopsModel } from '../model';
import { PortfolioModel } from '../portfolioModel';
import { PortfolioPanel, PORTFOLIO_ID } from '../portfolioWidget';
import { MlopsPanel, PANEL_ID } from '../widget';
import { decision, fullStatus, portfolio, status } from './fixtures';

async function waitFor(check: () => boolean, timeout = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeout) {
      throw new Error('timed out');
    }
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

describe('MlopsPanel', () => {
  it('renders the model, follows its changes and reports its visibility', async () => {
    const fetcher = jest.fn(async (path: string): Promise<ConditionalResult<INotebookStatus>> => ({
      changed: true,
      etag: '"1"',
      data: status({ path, decisions: [decision({ title: 'First decision' })] })
    }));
    const model = new MlopsModel({ fetcher, pollInterval: 0 });
    const panel = new MlopsPanel(model);
    expect(panel.id).toBe(PANEL_ID);
    expect(panel.title.caption).toBe('MLOps governance');
    expect(panel.title.icon).toBeTruthy();

    expect(model.visible).toBe(false);
    Widget.attach(panel, document.body);
    expect(model.visible).toBe(true);

    await waitFor(() => panel.node.querySelector('.jp-mlops-panel') !== null);
    expect(panel.node.querySelector('.jp-mlops-empty')?.getAttribute('data-kind')).toBe(
      'no-notebook'
    );

    model.path = 'credit-risk/train.ipynb';
    await waitFor(() => panel.node.querySelector('.jp-mlops-decision') !== null);
    expect(panel.node.querySelector('.jp-mlops-decision-title')?.textContent).toBe(
      'First decision'
    );
    expect(fetcher).toHaveBeenCalledTimes(1);

    panel.hide();
    expect(model.visible).toBe(false);
    panel.show();
    expect(model.visible).toBe(true);

    Widget.detach(panel);
    expect(model.visible).toBe(false);
    panel.dispose();
    model.dispose();
  });
});

describe('MlopsPanel actions', () => {
  it('renders with the actions it is given, and again when they change', async () => {
    const fetcher = jest.fn(async (path: string): Promise<ConditionalResult<INotebookStatus>> => ({
      changed: true,
      etag: '"1"',
      data: fullStatus({ path })
    }));
    const model = new MlopsModel({ fetcher, pollInterval: 0 });
    const panel = new MlopsPanel(model, { mlflowUrl: 'http://127.0.0.1:5000' });
    Widget.attach(panel, document.body);
    model.path = 'credit-risk/train.ipynb';
    const link = () =>
      panel.node
        .querySelector('[data-item-id="run-logged"] .jp-mlops-evidence a')
        ?.getAttribute('href');
    await waitFor(() => link() !== undefined);
    expect(link()).toBe('http://127.0.0.1:5000/#/experiments/7/runs/run123');

    panel.actions = { mlflowUrl: 'https://mlflow.example.org' };
    await waitFor(() => link() === 'https://mlflow.example.org/#/experiments/7/runs/run123');
    expect(panel.node.querySelector('[data-testid="mlops-insert-fix"]')).toBeNull();
    panel.actions = { ...panel.actions, insertCellBelow: () => ({ inserted: true, message: '' }) };
    await waitFor(() => panel.node.querySelector('[data-testid="mlops-insert-fix"]') !== null);
    Widget.detach(panel);
    panel.dispose();
    model.dispose();
  });
});

describe('PortfolioPanel', () => {
  it('fetches when shown, opens a notebook from a row, disposes its model', async () => {
    const fetcher = jest.fn(async () => portfolio());
    const model = new PortfolioModel({ fetcher, pollInterval: 0 });
    const onOpen = jest.fn();
    const widget = new PortfolioPanel(model, onOpen);
    expect(widget.id).toBe(PORTFOLIO_ID);
    expect(widget.title.label).toBe('MLOps Portfolio');
    expect(widget.title.closable).toBe(true);
    Widget.attach(widget, document.body);
    await waitFor(() => widget.node.querySelector('[data-testid="mlops-portfolio-row"]') !== null);
    expect(fetcher).toHaveBeenCalledTimes(1);
    (widget.node.querySelector('[data-path="churn/model.ipynb"] td') as HTMLElement).click();
    expect(onOpen).toHaveBeenCalledWith('churn/model.ipynb');
    Widget.detach(widget);
    widget.dispose();
    expect(model.isDisposed).toBe(true);
  });
});

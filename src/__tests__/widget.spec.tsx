import { Widget } from '@lumino/widgets';

import { ConditionalResult, INotebookStatus } from '../api';
import { MlopsModel } from '../model';
import { MlopsPanel, PANEL_ID } from '../widget';
import { decision, status } from './fixtures';

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
    const fetcher = jest.fn(
      async (path: string): Promise<ConditionalResult<INotebookStatus>> => ({
        changed: true,
        etag: '"1"',
        data: status({ path, decisions: [decision({ title: 'First decision' })] })
      })
    );
    const model = new MlopsModel({ fetcher, pollInterval: 0 });
    const panel = new MlopsPanel(model);
    expect(panel.id).toBe(PANEL_ID);
    expect(panel.title.caption).toBe('MLOps governance');
    expect(panel.title.icon).toBeTruthy();

    expect(model.visible).toBe(false);
    Widget.attach(panel, document.body);
    expect(model.visible).toBe(true);

    await waitFor(() => panel.node.querySelector('.jp-mlops-panel') !== null);
    expect(
      panel.node.querySelector('.jp-mlops-empty')?.getAttribute('data-kind')
    ).toBe('no-notebook');

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

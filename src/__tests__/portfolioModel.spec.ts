import { ApiError } from '../api';
import { PortfolioModel } from '../portfolioModel';
import { flushPromises, portfolio } from './fixtures';

describe('PortfolioModel', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fetches when shown, polls while visible, stops when hidden', async () => {
    const fetcher = jest.fn(async () => portfolio());
    const model = new PortfolioModel({ fetcher, pollInterval: 30000 });
    expect(model.state.status).toBe('loading');
    await jest.advanceTimersByTimeAsync(60000);
    expect(fetcher).not.toHaveBeenCalled();

    model.setVisible(true);
    await flushPromises();
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(model.state.status).toBe('ready');
    expect(model.state.data?.projects).toHaveLength(3);
    await jest.advanceTimersByTimeAsync(30000);
    expect(fetcher).toHaveBeenCalledTimes(2);

    model.setVisible(false);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(120000);
    expect(fetcher).toHaveBeenCalledTimes(2);
    model.dispose();
  });

  it('keeps the last answer when a refresh fails, and says why', async () => {
    const fetcher = jest.fn(async () => portfolio());
    const model = new PortfolioModel({ fetcher, pollInterval: 0 });
    model.setVisible(true);
    await flushPromises();
    const data = model.state.data;
    fetcher.mockImplementationOnce(async () => {
      throw new ApiError('cannot read the portfolio', 'check permissions', 403);
    });
    await model.refresh();
    expect(model.state.status).toBe('error');
    expect(model.state.error?.message).toBe('cannot read the portfolio');
    expect(model.state.data).toBe(data);
    await model.refresh();
    expect(model.state).toMatchObject({ status: 'ready', error: null, busy: false });
    model.dispose();
  });

  it('coalesces refreshes while one is under way and ignores answers after dispose', async () => {
    let resolve: () => void = () => undefined;
    const fetcher = jest.fn(
      () => new Promise<ReturnType<typeof portfolio>>(r => (resolve = () => r(portfolio())))
    );
    const model = new PortfolioModel({ fetcher, pollInterval: 0 });
    model.setVisible(true);
    void model.refresh();
    void model.refresh();
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(model.state.busy).toBe(true);
    model.dispose();
    resolve();
    await flushPromises();
    expect(model.state.status).toBe('loading');
  });
});

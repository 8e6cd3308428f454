import { ApiError, ConditionalResult, INotebookStatus } from '../api';
import { MlopsModel, StatusFetcher } from '../model';
import { decision, flushPromises, fullStatus, signoff, approvals, status } from './fixtures';

type Result = ConditionalResult<INotebookStatus>;

function okFetcher(): jest.Mock<Promise<Result>, Parameters<StatusFetcher>> {
  let version = 0;
  return jest.fn(async (path: string, etag: string | null) => {
    if (etag === `"v${version}"`) {
      return { changed: false, etag } as Result;
    }
    version++;
    return { changed: true, etag: `"v${version}"`, data: status({ path }) } as Result;
  });
}

describe('MlopsModel', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('starts with no notebook and does not fetch', async () => {
    const fetcher = okFetcher();
    const model = new MlopsModel({ fetcher });
    model.setVisible(true);
    await jest.advanceTimersByTimeAsync(20000);
    expect(model.state.status).toBe('no-notebook');
    expect(fetcher).not.toHaveBeenCalled();
    model.dispose();
  });

  it('fetches when a notebook is set while visible', async () => {
    const fetcher = okFetcher();
    const model = new MlopsModel({ fetcher, pollInterval: 0 });
    model.setVisible(true);
    model.path = 'a.ipynb';
    expect(model.state.status).toBe('loading');
    await flushPromises();
    expect(fetcher).toHaveBeenCalledWith('a.ipynb', null);
    expect(model.state.status).toBe('ready');
    expect(model.state.data?.path).toBe('a.ipynb');
    model.dispose();
  });

  it('debounces several refresh requests into one fetch', async () => {
    const fetcher = okFetcher();
    const model = new MlopsModel({ fetcher, pollInterval: 0, debounceMs: 300 });
    model.setVisible(true);
    model.path = 'a.ipynb';
    await flushPromises();
    expect(fetcher).toHaveBeenCalledTimes(1);

    for (let i = 0; i < 5; i++) {
      model.scheduleRefresh();
      await jest.advanceTimersByTimeAsync(100);
    }
    // 100 ms after the last request: still waiting
    expect(fetcher).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(250);
    expect(fetcher).toHaveBeenCalledTimes(2);
    // conditional: the second request carries the ETag of the first answer
    expect(fetcher).toHaveBeenLastCalledWith('a.ipynb', '"v1"');
    await jest.advanceTimersByTimeAsync(5000);
    expect(fetcher).toHaveBeenCalledTimes(2);
    model.dispose();
  });

  it('does not emit changed when the server answers 304', async () => {
    const fetcher = okFetcher();
    const model = new MlopsModel({ fetcher, pollInterval: 0 });
    model.setVisible(true);
    model.path = 'a.ipynb';
    await flushPromises();
    const before = model.state;
    let emitted = 0;
    model.changed.connect(() => emitted++);

    fetcher.mockImplementationOnce(async (_p, etag) => ({ changed: false, etag }));
    await model.refresh();

    expect(fetcher).toHaveBeenCalledTimes(2);
    expect(emitted).toBe(0);
    expect(model.state).toBe(before);
    model.dispose();
  });

  it('polls while visible and stops when hidden', async () => {
    const fetcher = okFetcher();
    const model = new MlopsModel({ fetcher, pollInterval: 5000 });
    model.setVisible(true);
    model.path = 'a.ipynb';
    await flushPromises();
    expect(fetcher).toHaveBeenCalledTimes(1);

    await jest.advanceTimersByTimeAsync(5000);
    expect(fetcher).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(5000);
    expect(fetcher).toHaveBeenCalledTimes(3);

    model.setVisible(false);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(60000);
    expect(fetcher).toHaveBeenCalledTimes(3);

    // shown again: one catch-up request, then polling resumes
    model.setVisible(true);
    await flushPromises();
    expect(fetcher).toHaveBeenCalledTimes(4);
    await jest.advanceTimersByTimeAsync(5000);
    expect(fetcher).toHaveBeenCalledTimes(5);
    model.dispose();
  });

  it('stops polling and ignores pending answers once disposed', async () => {
    let resolve: (r: Result) => void = () => undefined;
    const fetcher = jest.fn(
      (path: string) =>
        new Promise<Result>(r => {
          resolve = r;
        })
    );
    const model = new MlopsModel({ fetcher, pollInterval: 1000 });
    model.setVisible(true);
    model.path = 'a.ipynb';
    expect(fetcher).toHaveBeenCalledTimes(1);
    let emitted = 0;
    model.changed.connect(() => emitted++);

    model.dispose();
    resolve({ changed: true, etag: '"x"', data: status() });
    await jest.advanceTimersByTimeAsync(30000);

    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(emitted).toBe(0);
    expect(model.isDisposed).toBe(true);
    // no timer left behind
    expect(jest.getTimerCount()).toBe(0);
  });

  it('clears a pending poll and a pending debounced refresh when disposed', async () => {
    const fetcher = okFetcher();
    const model = new MlopsModel({ fetcher, pollInterval: 1000 });
    model.setVisible(true);
    model.path = 'a.ipynb';
    await flushPromises();
    model.scheduleRefresh();
    expect(jest.getTimerCount()).toBe(2); // the next poll and the debounce
    model.dispose();
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(30000);
    expect(fetcher).toHaveBeenCalledTimes(1);
  });

  it('skips polls while the browser tab is hidden', async () => {
    let hidden = false;
    const fetcher = okFetcher();
    const model = new MlopsModel({ fetcher, pollInterval: 1000, isDocumentHidden: () => hidden });
    model.setVisible(true);
    model.path = 'a.ipynb';
    await flushPromises();
    hidden = true;
    await jest.advanceTimersByTimeAsync(10000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    hidden = false;
    await jest.advanceTimersByTimeAsync(1000);
    expect(fetcher).toHaveBeenCalledTimes(2);
    model.dispose();
  });

  it('does not fetch while hidden; refreshes when shown', async () => {
    const fetcher = okFetcher();
    const model = new MlopsModel({ fetcher });
    model.path = 'a.ipynb';
    model.scheduleRefresh();
    await jest.advanceTimersByTimeAsync(20000);
    expect(fetcher).not.toHaveBeenCalled();
    expect(model.state.status).toBe('loading');

    model.setVisible(true);
    await flushPromises();
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(model.state.status).toBe('ready');
    model.dispose();
  });

  it('drops an answer for a notebook that is no longer current', async () => {
    const pending: Array<(r: Result) => void> = [];
    const fetcher = jest.fn(
      (path: string) =>
        new Promise<Result>(r => {
          pending.push(r);
        })
    );
    const model = new MlopsModel({ fetcher, pollInterval: 0 });
    model.setVisible(true);
    model.path = 'old.ipynb';
    model.path = 'new.ipynb';
    // the old request answers late
    pending[0]({
      changed: true,
      etag: '"old"',
      data: status({ path: 'old.ipynb', decisions: [decision({ title: 'old' })] })
    });
    await flushPromises();
    expect(model.state.path).toBe('new.ipynb');
    expect(model.state.data).toBeNull();

    // the follow-up request is for the new path, unconditional
    expect(fetcher).toHaveBeenCalledTimes(2);
    expect(fetcher).toHaveBeenLastCalledWith('new.ipynb', null);
    pending[1]({ changed: true, etag: '"new"', data: status({ path: 'new.ipynb' }) });
    await flushPromises();
    expect(model.state.status).toBe('ready');
    expect(model.state.data?.path).toBe('new.ipynb');
    model.dispose();
  });

  it('shows an error, then recovers on the next successful poll', async () => {
    const fetcher = okFetcher();
    fetcher.mockImplementationOnce(async () => {
      throw new ApiError('notebook not found: a.ipynb', 'save the notebook first', 404);
    });
    const model = new MlopsModel({ fetcher, pollInterval: 1000 });
    model.setVisible(true);
    model.path = 'a.ipynb';
    await flushPromises();
    expect(model.state.status).toBe('error');
    expect(model.state.error?.hint).toBe('save the notebook first');

    await jest.advanceTimersByTimeAsync(1000);
    expect(model.state.status).toBe('ready');
    expect(model.state.error).toBeNull();
    model.dispose();
  });

  it('clears everything when the notebook goes away', async () => {
    const fetcher = okFetcher();
    const model = new MlopsModel({ fetcher, pollInterval: 1000 });
    model.setVisible(true);
    model.path = 'a.ipynb';
    await flushPromises();
    model.path = null;
    expect(model.state).toEqual({ path: null, status: 'no-notebook', data: null, error: null });
    await jest.advanceTimersByTimeAsync(10000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    model.dispose();
  });

  it('applies a new polling interval; 0 turns polling off', async () => {
    const fetcher = okFetcher();
    const model = new MlopsModel({ fetcher, pollInterval: 5000 });
    model.setVisible(true);
    model.path = 'a.ipynb';
    await flushPromises();
    model.pollInterval = 1000;
    await jest.advanceTimersByTimeAsync(1000);
    expect(fetcher).toHaveBeenCalledTimes(2);
    model.pollInterval = 0;
    await jest.advanceTimersByTimeAsync(60000);
    expect(fetcher).toHaveBeenCalledTimes(2);
    model.dispose();
  });

  it('carries the checklist, sign-offs and timeline through, and replaces them when the ledger changes', async () => {
    const first = fullStatus();
    const second = fullStatus({
      approvals: approvals({ signoffs: { business: signoff(), risk: null, 'it-ops': null } })
    });
    const answers: Result[] = [
      { changed: true, etag: '"1"', data: first },
      { changed: false, etag: '"1"' },
      { changed: true, etag: '"2"', data: second }
    ];
    const fetcher = jest.fn(async () => answers.shift() as Result);
    const model = new MlopsModel({ fetcher, pollInterval: 1000 });
    const seen: (string | undefined)[] = [];
    model.changed.connect(() => seen.push(model.state.data?.approvals?.signoffs.business?.kind));
    model.setVisible(true);
    model.path = first.path;
    await flushPromises();
    expect(model.state.data?.report?.items).toHaveLength(7);
    expect(model.state.data?.timeline).toHaveLength(3);
    expect(model.state.data?.me?.roles).toEqual(['risk']);
    await jest.advanceTimersByTimeAsync(1000); // 304: nothing changes
    expect(model.state.data).toBe(first);
    await jest.advanceTimersByTimeAsync(1000); // another user signed: the poll brings it
    expect(model.state.data).toBe(second);
    expect(fetcher.mock.calls.map(c => (c as unknown[])[1])).toEqual([null, '"1"', '"1"']);
    expect(seen).toEqual([undefined, undefined, 'approved']); // loading, first answer, second
    model.dispose();
  });
});

import { Signal } from '@lumino/signaling';

import { ConditionalResult, INotebookStatus } from '../api';
import { MlopsModel } from '../model';
import { INotebookSource, ITrackedNotebook, NotebookFollower } from '../tracking';
import { flushPromises, status } from './fixtures';

type SaveState = 'started' | 'completed' | 'failed';

class FakePanel implements ITrackedNotebook {
  readonly content = { name: 'notebook widget' };
  readonly context: {
    path: string;
    pathChanged: Signal<unknown, string>;
    saveState: Signal<unknown, SaveState>;
  };
  constructor(path: string) {
    this.context = {
      path,
      pathChanged: new Signal<unknown, string>(this),
      saveState: new Signal<unknown, SaveState>(this)
    };
  }
  rename(path: string): void {
    this.context.path = path;
    this.context.pathChanged.emit(path);
  }
}

class FakeTracker implements INotebookSource {
  currentWidget: FakePanel | null = null;
  readonly currentChanged = new Signal<FakeTracker, FakePanel | null>(this);
  activate(panel: FakePanel | null): void {
    this.currentWidget = panel;
    this.currentChanged.emit(panel);
  }
}

function setup(initial: FakePanel | null = null) {
  const fetcher = jest.fn(async (path: string): Promise<ConditionalResult<INotebookStatus>> => ({
    changed: true,
    etag: null,
    data: status({ path })
  }));
  const model = new MlopsModel({ fetcher, pollInterval: 0, debounceMs: 300 });
  model.setVisible(true);
  const tracker = new FakeTracker();
  tracker.currentWidget = initial;
  const executed = new Signal<unknown, { notebook: unknown }>({});
  const follower = new NotebookFollower({
    model,
    tracker,
    executed,
    toServerPath: path => path.replace(/^RTC:/, '')
  });
  return { fetcher, model, tracker, executed, follower };
}

describe('NotebookFollower', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('follows the notebook that is current at start and on every change', async () => {
    const a = new FakePanel('RTC:a.ipynb');
    const { model, tracker, fetcher, follower } = setup(a);
    expect(model.path).toBe('a.ipynb');

    await flushPromises();
    const b = new FakePanel('dir/b.ipynb');
    tracker.activate(b);
    expect(model.path).toBe('dir/b.ipynb');
    await flushPromises();
    expect(model.state.data?.path).toBe('dir/b.ipynb');
    tracker.activate(null);
    expect(model.path).toBeNull();
    await flushPromises();
    expect(fetcher.mock.calls.map(c => c[0])).toEqual(['a.ipynb', 'dir/b.ipynb']);
    follower.dispose();
    model.dispose();
  });

  it('debounces executed signals of the current notebook into one fetch', async () => {
    const a = new FakePanel('a.ipynb');
    const { fetcher, executed, model, follower } = setup(a);
    await flushPromises();
    expect(fetcher).toHaveBeenCalledTimes(1);

    for (let i = 0; i < 4; i++) {
      if (i > 0) {
        await jest.advanceTimersByTimeAsync(50);
      }
      executed.emit({ notebook: a.content });
    }
    // 300 ms after the last one
    executed.emit({ notebook: { name: 'another notebook' } });
    await jest.advanceTimersByTimeAsync(299);
    expect(fetcher).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(fetcher).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(10000);
    expect(fetcher).toHaveBeenCalledTimes(2);
    follower.dispose();
    model.dispose();
  });

  it('ignores cells executed in other notebooks', async () => {
    const a = new FakePanel('a.ipynb');
    const { fetcher, executed, model, follower } = setup(a);
    await flushPromises();
    executed.emit({ notebook: { name: 'another notebook' } });
    await jest.advanceTimersByTimeAsync(1000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    follower.dispose();
    model.dispose();
  });

  it('refreshes after a save completes, not when it starts', async () => {
    const a = new FakePanel('a.ipynb');
    const { fetcher, model, follower } = setup(a);
    await flushPromises();
    a.context.saveState.emit('started');
    await jest.advanceTimersByTimeAsync(1000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    a.context.saveState.emit('completed');
    await jest.advanceTimersByTimeAsync(300);
    expect(fetcher).toHaveBeenCalledTimes(2);
    follower.dispose();
    model.dispose();
  });

  it('follows a rename of the current notebook, and only of the current one', async () => {
    const a = new FakePanel('a.ipynb');
    const { model, tracker, follower } = setup(a);
    a.rename('renamed/a.ipynb');
    expect(model.path).toBe('renamed/a.ipynb');

    const b = new FakePanel('b.ipynb');
    tracker.activate(b);
    a.rename('elsewhere/a.ipynb'); // no longer current: disconnected
    expect(model.path).toBe('b.ipynb');
    follower.dispose();
    model.dispose();
  });

  it('disconnects everything when disposed', async () => {
    const a = new FakePanel('a.ipynb');
    const { model, tracker, executed, fetcher, follower } = setup(a);
    await flushPromises();
    follower.dispose();
    tracker.activate(new FakePanel('b.ipynb'));
    executed.emit({ notebook: a.content });
    a.context.saveState.emit('completed');
    await jest.advanceTimersByTimeAsync(1000);
    expect(fetcher).toHaveBeenCalledTimes(1);
    model.dispose();
  });
});

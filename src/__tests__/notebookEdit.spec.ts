import { IEditableNotebook, insertCodeCellBelow, showCell } from '../notebookEdit';

/** A notebook with a plain array of cells standing in for the shared model. */
function fakeNotebook(sources: string[], active: number) {
  const cells = sources.map(source => ({ cell_type: 'code', source }));
  const scrolled: number[] = [];
  const notebook: IEditableNotebook & { widgets: unknown[] } = {
    activeCellIndex: active,
    mode: 'edit',
    model: {
      sharedModel: {
        insertCell: (index: number, cell: { cell_type: string; source: string }) => {
          cells.splice(index, 0, cell);
          notebook.widgets.splice(index, 0, {});
        }
      }
    },
    widgets: sources.map(() => ({})),
    scrollToItem: async (index: number) => {
      scrolled.push(index);
    }
  };
  return { notebook, cells, scrolled };
}

describe('insertCodeCellBelow', () => {
  it('inserts a code cell below the active one, makes it active, never runs it', () => {
    const { notebook, cells, scrolled } = fakeNotebook(['a', 'b', 'c'], 1);
    const index = insertCodeCellBelow(notebook, '%mlops decide "T" --why "W"');
    expect(index).toBe(2);
    expect(cells.map(c => c.source)).toEqual(['a', 'b', '%mlops decide "T" --why "W"', 'c']);
    expect(cells[2].cell_type).toBe('code');
    expect(notebook.activeCellIndex).toBe(2);
    expect(notebook.mode).toBe('command');
    expect(scrolled).toEqual([2]);
  });

  it('inserts at the top of a notebook without an active cell', () => {
    const { notebook, cells } = fakeNotebook([], -1);
    expect(insertCodeCellBelow(notebook, 'x')).toBe(0);
    expect(cells.map(c => c.source)).toEqual(['x']);
  });

  it('does nothing without a model', () => {
    const { notebook } = fakeNotebook(['a'], 0);
    expect(insertCodeCellBelow({ ...notebook, model: null }, 'x')).toBe(-1);
  });
});

describe('showCell', () => {
  it('activates and scrolls to an existing cell only', () => {
    const { notebook, scrolled } = fakeNotebook(['a', 'b', 'c'], 0);
    expect(showCell(notebook, 2)).toBe(true);
    expect(notebook.activeCellIndex).toBe(2);
    expect(scrolled).toEqual([2]);
    expect(showCell(notebook, 3)).toBe(false);
    expect(showCell(notebook, -1)).toBe(false);
    expect(showCell(notebook, 1.5)).toBe(false);
    expect(notebook.activeCellIndex).toBe(2);
  });
});

/**
 * Edits the panel makes to a notebook: a new code cell below the active one,
 * showing a cell. Typed structurally (a JupyterLab `Notebook` fits) so that
 * tests can use a plain object.
 */

/** The parts of a `Notebook` widget used here. */
export interface IEditableNotebook {
  activeCellIndex: number;
  mode: 'command' | 'edit';
  readonly model: {
    readonly sharedModel: {
      insertCell(index: number, cell: { cell_type: string; source: string }): unknown;
    };
  } | null;
  scrollToItem(index: number, align?: 'auto' | 'smart' | 'center' | 'start' | 'end'): Promise<void>;
}

/**
 * Insert a code cell holding `source` right below the active cell (at the top
 * of an empty notebook), make it the active cell and scroll to it. The cell
 * is not executed. Returns its index, or -1 when the notebook has no model.
 */
export function insertCodeCellBelow(notebook: IEditableNotebook, source: string): number {
  const model = notebook.model;
  if (!model) {
    return -1;
  }
  const index = notebook.activeCellIndex < 0 ? 0 : notebook.activeCellIndex + 1;
  model.sharedModel.insertCell(index, { cell_type: 'code', source });
  notebook.mode = 'command';
  notebook.activeCellIndex = index;
  void notebook.scrollToItem(index, 'smart').catch(() => undefined);
  return index;
}

/** Make the cell at `index` the active one and scroll to it (false if there is no such cell). */
export function showCell(
  notebook: IEditableNotebook & { widgets: readonly unknown[] },
  index: number
): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= notebook.widgets.length) {
    return false;
  }
  notebook.mode = 'command';
  notebook.activeCellIndex = index;
  void notebook.scrollToItem(index, 'center').catch(() => undefined);
  return true;
}

import { isMagicFix, magicFixes } from '../fixes';

// jest runs in Node: read the package's own templates (no @types/node in this project)
declare const require: (name: string) => any;
declare const __dirname: string;
const fs = require('fs');
const path = require('path');

/** Every `fix:` of the checklist templates the package ships. */
function templateFixes(): string[] {
  const dir = path.resolve(__dirname, '../../python/jupyterlab_mlops/checklists/templates');
  const fixes: string[] = [];
  for (const name of fs.readdirSync(dir).filter((n: string) => n.endsWith('.yaml'))) {
    for (const line of fs.readFileSync(path.join(dir, name), 'utf8').split('\n')) {
      const m = /^\s+fix:\s*(.*)$/.exec(line);
      if (m) {
        const raw = m[1].trim();
        // YAML plain, 'single' ('' escapes ') or "double" quoted scalars
        fixes.push(
          raw.startsWith("'")
            ? raw.slice(1, -1).replace(/''/g, "'")
            : raw.startsWith('"')
              ? JSON.parse(raw)
              : raw
        );
      }
    }
  }
  return fixes;
}

describe('magicFixes', () => {
  it('reads a line magic with its placeholders', () => {
    const [fix] = magicFixes('%mlops decide "TITLE" --why "..." --tag data|model|evaluation');
    expect(fix.magic).toBe('%mlops decide "TITLE" --why "..." --tag data|model|evaluation');
    expect(fix.cellMagic).toBe(false);
    expect(fix.placeholders).toEqual(['TITLE', '"..."']);
    expect(fix.source).toBe(
      '%mlops decide "TITLE" --why "..." --tag data|model|evaluation\n' +
        '# replace TITLE, "..." before running this cell'
    );
  });

  it('keeps the words after the magic as a comment', () => {
    const [fix] = magicFixes(
      '%mlops data add PATH, then read it with jupyterlab_mlops.data.path(NAME) before the run'
    );
    expect(fix.magic).toBe('%mlops data add PATH');
    expect(fix.note).toBe('then read it with jupyterlab_mlops.data.path(NAME) before the run');
    expect(fix.source.split('\n')).toEqual([
      '%mlops data add PATH',
      '# then read it with jupyterlab_mlops.data.path(NAME) before the run',
      '# replace PATH before running this cell'
    ]);
  });

  it('puts a cell magic first, its body below', () => {
    const [fix] = magicFixes(
      '%%mlops run "NAME" around the training code, logging e.g. run.log(test_roc_auc=...)'
    );
    expect(fix.cellMagic).toBe(true);
    expect(fix.magic).toBe('%%mlops run "NAME"');
    expect(fix.source.split('\n')[0]).toBe('%%mlops run "NAME"');
    expect(fix.note).toBe('around the training code, logging e.g. run.log(test_roc_auc=...)');
  });

  it('does not cut inside quotes', () => {
    const [fix] = magicFixes('%mlops data review NAME --decision "keep it, then drop it or not"');
    expect(fix.magic).toBe('%mlops data review NAME --decision "keep it, then drop it or not"');
    expect(fix.note).toBe('');
  });

  it('finds every magic among alternatives', () => {
    const fixes = magicFixes(
      '%mlops waive ITEM --why "..." or %mlops data review NAME --decision "..."; or ask the owner'
    );
    expect(fixes.map(f => f.magic)).toEqual([
      '%mlops waive ITEM --why "..."',
      '%mlops data review NAME --decision "..."'
    ]);
    expect(
      magicFixes("run `mlops check` or `%mlops check` in the project's folder").map(f => f.magic)
    ).toEqual(['%mlops check']);
  });

  it.each([
    'mlops check NOTEBOOK --run (runs it with papermill in a scratch folder)',
    'tag one code cell `parameters` and keep it to assignments like `seed = 7`',
    'commit a lock file (uv.lock, poetry.lock, conda-lock.yml) or requirements.txt with == pins',
    '',
    '%mlopsx nope'
  ])('offers no magic for %j', fix => {
    expect(magicFixes(fix)).toEqual([]);
    expect(isMagicFix(fix)).toBe(false);
  });

  it('offers a magic for exactly the template fixes that start with %mlops', () => {
    const fixes = templateFixes();
    expect(fixes.length).toBeGreaterThan(10);
    for (const fix of fixes) {
      const magics = magicFixes(fix);
      expect([fix, magics.length > 0]).toEqual([fix, /^%%?mlops /.test(fix)]);
      for (const m of magics) {
        expect(m.source.startsWith(m.magic)).toBe(true);
        expect(m.magic).not.toMatch(/[,;]$/);
      }
    }
  });
});

/**
 * Find the `%mlops` magics in a checklist item's fix text, so the panel can
 * offer to insert them into a new cell (pure: no DOM, no JupyterLab).
 *
 * Fix texts are short instructions written for people, for example
 *   `%mlops decide "TITLE" --why "..." --tag data|model|evaluation`
 *   `%mlops data add PATH, then read it with jupyterlab_mlops.data.path(NAME) before the run`
 *   `%%mlops run "NAME" around the training code, logging e.g. run.log(test_roc_auc=...)`
 *   `mlops check NOTEBOOK --run (runs it with papermill in a scratch folder)` (no magic)
 * and may offer alternatives separated by " or " or "; ".
 */

/** One magic found in a fix text. */
export interface IMagicFix {
  /** The magic itself, e.g. `%mlops decide "TITLE" --why "..."`. */
  magic: string;
  /** A cell magic (`%%mlops ...`): the rest of the cell is its body. */
  cellMagic: boolean;
  /** The words around the magic ("then read it with ..."), or "". */
  note: string;
  /** Upper-case placeholders the user should replace (TITLE, NAME, PATH, ...). */
  placeholders: string[];
  /** The source of the cell to insert: the magic first, then comment lines. */
  source: string;
}

const MAGIC = /^%%?mlops(\s|$)/;
/** Unquoted words that end the magic and start prose. */
const PROSE_WORDS = ['around', 'then'];
/** Unquoted words that separate alternatives. */
const ALTERNATIVE_WORDS = ['or'];

/** The magics in `fix`, in order (empty when the fix is not a magic). */
export function magicFixes(fix: string): IMagicFix[] {
  const found: IMagicFix[] = [];
  for (const alternative of splitAlternatives(fix)) {
    const part = alternative.trim();
    const quoted = /^`(%%?mlops(?:\s[^`]*)?)`(.*)$/s.exec(part);
    if (quoted) {
      found.push(magicFix(quoted[1].trim(), quoted[2].trim()));
    } else if (MAGIC.test(part)) {
      const [head, rest = ''] = splitUnquoted(
        part,
        i => (part[i] === ',' ? 1 : wordAt(part, i, PROSE_WORDS) ? 1 : 0),
        2
      );
      found.push(magicFix(head.trim(), rest.trim()));
    }
  }
  return found;
}

/** Whether the fix text offers at least one magic. */
export function isMagicFix(fix: string): boolean {
  return magicFixes(fix).length > 0;
}

/**
 * Walk `text` outside of quotes; `stop(i)` returns the length of a separator
 * starting at i (0: none). Yields the pieces between separators.
 */
function splitUnquoted(text: string, stop: (i: number) => number, limit = Infinity): string[] {
  const pieces: string[] = [];
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) {
        quote = null;
      }
      continue;
    }
    if ((c === '"' || c === "'" || c === '`') && opensQuote(text, i)) {
      quote = c;
      continue;
    }
    if (pieces.length + 1 >= limit) {
      continue;
    }
    const length = stop(i);
    if (length > 0) {
      pieces.push(text.slice(start, i));
      start = i + length;
      i = start - 1;
    }
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** A quote opens a quoted word at the start of a token (an apostrophe in "project's" does not). */
function opensQuote(text: string, i: number): boolean {
  return i === 0 || /[\s=(|]/.test(text[i - 1]);
}

/** The length of ` word ` at `i` in `text` (0 when not there). */
function wordAt(text: string, i: number, words: readonly string[]): number {
  if (text[i] !== ' ') {
    return 0;
  }
  for (const word of words) {
    const candidate = ` ${word} `;
    if (text.startsWith(candidate, i)) {
      return candidate.length - 1; // keep the space after the word out of both pieces
    }
  }
  return 0;
}

function splitAlternatives(fix: string): string[] {
  return splitUnquoted(fix, i => (fix[i] === ';' ? 1 : wordAt(fix, i, ALTERNATIVE_WORDS)));
}

function magicFix(magic: string, note: string): IMagicFix {
  const cellMagic = magic.startsWith('%%');
  const placeholders = findPlaceholders(magic);
  const comments: string[] = [];
  if (note) {
    comments.push(...note.split('\n').map(line => `# ${line.trim()}`));
  } else if (cellMagic) {
    comments.push('# the code this magic runs goes here');
  }
  if (placeholders.length > 0) {
    comments.push(`# replace ${placeholders.join(', ')} before running this cell`);
  }
  return {
    magic,
    cellMagic,
    note,
    placeholders,
    source: [magic, ...comments].join('\n')
  };
}

/** TITLE, NAME, PATH, "..." (in the order they appear, once each). */
function findPlaceholders(magic: string): string[] {
  const found: string[] = [];
  const add = (p: string) => {
    if (!found.includes(p)) {
      found.push(p);
    }
  };
  const pattern = /"\.\.\."|\b[A-Z][A-Z_]{2,}\b/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(magic)) !== null) {
    add(match[0]);
  }
  return found;
}

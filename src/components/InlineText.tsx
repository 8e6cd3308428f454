import * as React from 'react';

/** Words longer than this may break after code punctuation (`.`, `(`, `,`, `=`) to fit the sidebar. */
const LONG_WORD = 20;

/** A long word's pieces, each ending after `.`, `(`, `,`, `=` or `|` (`jupyterlab_mlops.` `diagnose(model,`). */
export function wordPieces(word: string): string[] {
  if (word.length <= LONG_WORD) {
    return [word];
  }
  return word.match(/[^.(,=|]*[.(,=|]+|[^.(,=|]+$/g) ?? [word];
}

/**
 * Text that wraps at spaces only: each run of non-space characters is one
 * unbreakable word (`--run` never splits). A word too long for the sidebar
 * may break after code punctuation, never inside a name.
 */
export function Words(props: { text: string }): JSX.Element {
  return (
    <>
      {props.text.split(/(\s+)/).map((part, i) =>
        i % 2 === 1 || part === '' ? (
          <React.Fragment key={i}>{part}</React.Fragment>
        ) : (
          <React.Fragment key={i}>
            {wordPieces(part).map((piece, j) => (
              <React.Fragment key={j}>
                {j > 0 && <wbr />}
                <span className="jp-mlops-word">{piece}</span>
              </React.Fragment>
            ))}
          </React.Fragment>
        )
      )}
    </>
  );
}

/**
 * Server text (hints) with `backtick` spans shown as code. The text is split
 * into React text nodes, never parsed as HTML or Markdown. Code wraps at
 * spaces only; with `words`, so does the prose around it (commands in prose).
 */
export function InlineText(props: { text: string; words?: boolean }): JSX.Element {
  const parts = props.text.split('`');
  if (parts.length % 2 === 0) {
    // an unmatched backtick: keep it as plain text
    const last = parts.pop() as string;
    parts[parts.length - 1] += '`' + last;
  }
  return (
    <>
      {parts.map((part, i) =>
        i % 2 === 1 ? (
          <code key={i} className="jp-mlops-snippet">
            <Words text={part} />
          </code>
        ) : props.words ? (
          <Words key={i} text={part} />
        ) : (
          <React.Fragment key={i}>{part}</React.Fragment>
        )
      )}
    </>
  );
}

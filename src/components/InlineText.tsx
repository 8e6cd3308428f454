import * as React from 'react';

/**
 * Server text (hints) with `backtick` spans shown as code. The text is split
 * into React text nodes, never parsed as HTML or Markdown.
 */
export function InlineText(props: { text: string }): JSX.Element {
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
            {part}
          </code>
        ) : (
          <React.Fragment key={i}>{part}</React.Fragment>
        )
      )}
    </>
  );
}

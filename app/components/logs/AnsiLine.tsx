'use client';

import Anser from 'anser';
import type { CSSProperties } from 'react';

/**
 * One log line's text with its ANSI colours, as React spans: the text is
 * always rendered as text (React escapes it), never as HTML.
 */
export function AnsiLine({ text }: { text: string }) {
  if (!text.includes('\x1b')) return <>{text}</>;
  const parts = Anser.ansiToJson(text, { json: true, remove_empty: true });
  return (
    <>
      {parts.map((part, i) => {
        const style: CSSProperties = {};
        if (part.fg) style.color = `rgb(${part.fg})`;
        if (part.bg) style.backgroundColor = `rgb(${part.bg})`;
        if (part.decorations?.includes('bold')) style.fontWeight = 600;
        if (part.decorations?.includes('italic')) style.fontStyle = 'italic';
        if (part.decorations?.includes('underline')) style.textDecoration = 'underline';
        return (
          <span key={i} style={style}>
            {part.content}
          </span>
        );
      })}
    </>
  );
}

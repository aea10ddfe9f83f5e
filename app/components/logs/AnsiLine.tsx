'use client';

import Anser from 'anser';
import type { CSSProperties } from 'react';

const NAMED = new Set(['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white']);

/**
 * An ANSI colour as CSS: the 16 named ones from the theme (app/globals.css:
 * --ansi-red …), so they pass contrast in light and dark; true colours as given;
 * the 256-colour palette left to the line's own colour.
 */
function colourOf(cls: string | null, truecolor: string): string | undefined {
  if (!cls) return undefined;
  if (cls === 'ansi-truecolor') return `rgb(${truecolor})`;
  const name = cls.replace(/^ansi-(bright-)?/, '');
  return NAMED.has(name) ? `var(--ansi-${name})` : undefined;
}

/**
 * One log line's text with its ANSI colours, as React spans: the text is
 * always rendered as text (React escapes it), never as HTML.
 */
export function AnsiLine({ text }: { text: string }) {
  if (!text.includes('\x1b')) return <>{text}</>;
  const parts = Anser.ansiToJson(text, { json: true, remove_empty: true, use_classes: true });
  return (
    <>
      {parts.map((part, i) => {
        const style: CSSProperties = {};
        const fg = colourOf(part.fg, part.fg_truecolor);
        if (fg) style.color = fg;
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

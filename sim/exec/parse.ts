/**
 * The shell's grammar, small on purpose: simple commands joined by `;`, newlines,
 * `&&` and `||`; words with single quotes, double quotes and backslash escapes;
 * `$VAR`, `${VAR}` and `$?` expanded when the command runs; `#` comments.
 */

/** A piece of a word; `quoted` pieces came from single quotes and are never expanded. */
export interface Piece {
  text: string;
  literal: boolean;
}
export type Word = Piece[];

export interface Command {
  words: Word[];
  /** How this command joins the one before it. */
  after: ';' | '&&' | '||';
}

export class SyntaxError extends Error {}

export function parse(script: string): Command[] {
  const commands: Command[] = [];
  let words: Word[] = [];
  let word: Word | null = null;
  let join: Command['after'] = ';';
  const push = (text: string, literal: boolean) => {
    word ??= [];
    word.push({ text, literal });
  };
  const endWord = () => {
    if (word) words.push(word);
    word = null;
  };
  const endCommand = (next: Command['after']) => {
    endWord();
    if (words.length) commands.push({ words, after: join });
    else if (next !== ';') throw new SyntaxError(`syntax error: unexpected "${next}"`);
    words = [];
    join = next;
  };
  let i = 0;
  while (i < script.length) {
    const ch = script[i];
    if (ch === "'") {
      const close = script.indexOf("'", i + 1);
      if (close < 0) throw new SyntaxError('syntax error: unterminated quoted string');
      push(script.slice(i + 1, close), true);
      i = close + 1;
    } else if (ch === '"') {
      let j = i + 1;
      let text = '';
      while (j < script.length && script[j] !== '"') {
        if (script[j] === '\\' && j + 1 < script.length && '"\\$`'.includes(script[j + 1])) {
          // An escaped `$` must stay literal: emit what we have, then the literal char.
          if (text) push(text, false);
          text = '';
          push(script[j + 1], true);
          j += 2;
          continue;
        }
        text += script[j++];
      }
      if (j >= script.length) throw new SyntaxError('syntax error: unterminated quoted string');
      push(text, false);
      word ??= [];
      i = j + 1;
    } else if (ch === '\\') {
      if (i + 1 < script.length && script[i + 1] !== '\n') push(script[i + 1], true);
      i += 2;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord();
      i++;
    } else if (ch === '\n' || ch === ';') {
      endCommand(';');
      i++;
    } else if (ch === '&' && script[i + 1] === '&') {
      endCommand('&&');
      i += 2;
    } else if (ch === '|' && script[i + 1] === '|') {
      endCommand('||');
      i += 2;
    } else if (ch === '|') {
      throw new SyntaxError('pipes are not supported by this shell');
    } else if (ch === '&') {
      endCommand(';');
      i++;
    } else if (ch === '#' && !word) {
      while (i < script.length && script[i] !== '\n') i++;
    } else {
      let j = i;
      while (j < script.length && !` \t\r\n;&|'"\\`.includes(script[j])) j++;
      push(script.slice(i, j), false);
      i = j;
    }
  }
  endWord();
  if (words.length) commands.push({ words, after: join });
  else if (join !== ';') throw new SyntaxError('syntax error: unexpected end of file');
  return commands;
}

/** Expands `$VAR`, `${VAR}` and `$?` in the unquoted and double-quoted pieces of a word. */
export function expand(word: Word, vars: (name: string) => string): string {
  return word
    .map((p) => (p.literal ? p.text : p.text.replace(/\$(\?|\{(\w+)\}|\w+)/g, (_, name: string, braced?: string) => vars(braced ?? name))))
    .join('');
}

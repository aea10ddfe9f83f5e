/**
 * The shell's grammar, small on purpose: pipelines (`a | b`) joined by `;`, newlines,
 * `&&` and `||`; redirections (`>`, `>>`, `<`, `2>&1`, `>&2`, `&>`); words with single
 * quotes, double quotes and backslash escapes; `$VAR`, `${VAR}` and `$?` expanded when
 * the command runs; `#` comments. No loops, functions or here-documents.
 */

/** A piece of a word; `literal` pieces came from single quotes or escapes and are never expanded. */
export interface Piece {
  text: string;
  literal: boolean;
}
export type Word = Piece[];

export interface Redirect {
  /** The descriptor redirected: 0, 1, 2 …, or `'both'` for `&>` (stdout and stderr). */
  fd: number | 'both';
  op: '>' | '>>' | '<' | '>&' | '<&';
  /** A file name, or for `>&`/`<&` the descriptor to copy. */
  target: Word;
}

export interface SimpleCommand {
  words: Word[];
  redirects: Redirect[];
}

export interface Pipeline {
  commands: SimpleCommand[];
  /** How this pipeline joins the one before it. */
  after: ';' | '&&' | '||';
}

export class SyntaxError extends Error {}

const unexpected = (token: string) => new SyntaxError(`syntax error: unexpected ${token === '\n' ? 'newline' : `"${token}"`}`);

export function parse(script: string): Pipeline[] {
  const pipelines: Pipeline[] = [];
  let commands: SimpleCommand[] = [];
  let command: SimpleCommand = { words: [], redirects: [] };
  let word: Word | null = null;
  let quoted = false;
  let pending: Omit<Redirect, 'target'> | null = null;
  let join: Pipeline['after'] = ';';

  const push = (text: string, literal: boolean) => {
    word ??= [];
    word.push({ text, literal });
  };
  const endWord = () => {
    if (word && pending) {
      command.redirects.push({ ...pending, target: word });
      pending = null;
    } else if (word) command.words.push(word);
    word = null;
    quoted = false;
  };
  const endCommand = (token: string) => {
    endWord();
    if (pending) throw unexpected(token);
    const empty = command.words.length === 0 && command.redirects.length === 0;
    if (empty && (commands.length || token === '|')) throw unexpected(token);
    if (!empty) commands.push(command);
    command = { words: [], redirects: [] };
  };
  const endPipeline = (token: string, next: Pipeline['after']) => {
    endCommand(token);
    if (commands.length) pipelines.push({ commands, after: join });
    else if (next !== ';' || join !== ';') throw unexpected(token);
    commands = [];
    join = next;
  };
  const redirect = (op: Redirect['op'], fd: number | 'both') => {
    // `2>`: a word of digits right before the operator names the descriptor.
    const w = word as Word | null;
    if (fd !== 'both' && w && !quoted && w.length === 1 && /^\d$/.test(w[0].text)) {
      fd = Number(w[0].text);
      word = null;
    }
    endWord();
    if (pending) throw unexpected(op);
    pending = { fd, op };
  };

  let i = 0;
  while (i < script.length) {
    const ch = script[i];
    const next = script[i + 1];
    if (ch === "'") {
      const close = script.indexOf("'", i + 1);
      if (close < 0) throw new SyntaxError('syntax error: unterminated quoted string');
      push(script.slice(i + 1, close), true);
      quoted = true;
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
      quoted = true;
      i = j + 1;
    } else if (ch === '\\') {
      if (next !== undefined && next !== '\n') push(next, true);
      quoted = true;
      i += 2;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      endWord();
      i++;
    } else if (ch === '\n' || ch === ';') {
      endPipeline(ch, ';');
      i++;
    } else if (ch === '&' && next === '&') {
      endPipeline('&&', '&&');
      i += 2;
    } else if (ch === '|' && next === '|') {
      endPipeline('||', '||');
      i += 2;
    } else if (ch === '|') {
      endCommand('|');
      i++;
    } else if (ch === '&' && next === '>') {
      redirect(script[i + 2] === '>' ? '>>' : '>', 'both');
      i += script[i + 2] === '>' ? 3 : 2;
    } else if (ch === '&') {
      // No background jobs: `a & b` runs a, then b.
      endPipeline('&', ';');
      i++;
    } else if (ch === '>') {
      const op = next === '>' ? '>>' : next === '&' ? '>&' : '>';
      redirect(op, 1);
      i += op.length;
      if (next === '|') i++;
    } else if (ch === '<') {
      if (next === '<') throw new SyntaxError('here-documents are not supported by this shell');
      const op = next === '&' ? '<&' : '<';
      redirect(op, 0);
      i += op.length;
    } else if (ch === '#' && !word) {
      while (i < script.length && script[i] !== '\n') i++;
    } else {
      let j = i;
      while (j < script.length && !` \t\r\n;&|<>'"\\`.includes(script[j])) j++;
      push(script.slice(i, j), false);
      i = j;
    }
  }
  endCommand('\n');
  if (commands.length) pipelines.push({ commands, after: join });
  else if (join !== ';') throw new SyntaxError('syntax error: unexpected end of file');
  return pipelines;
}

/** Expands `$VAR`, `${VAR}` and `$?` in the unquoted and double-quoted pieces of a word. */
export function expand(word: Word, vars: (name: string) => string): string {
  return word
    .map((p) => (p.literal ? p.text : p.text.replace(/\$(\?|\{(\w+)\}|\w+)/g, (_, name: string, braced?: string) => vars(braced ?? name))))
    .join('');
}

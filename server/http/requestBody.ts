import { Composer, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, type CST, type Document } from 'yaml';
import { HttpError } from './errors';

/**
 * Request bodies, read and parsed at the edge: whatever a client sends (deep
 * nesting, unclosed brackets, aliases, the wrong type, broken UTF-8) ends as a
 * 4xx with a message, never as a 500 or a dead process.
 *
 * Why YAML needs more than a try/catch: the `yaml` package composes nested
 * collections recursively, and a deep enough nesting (about a thousand `[`)
 * exhausts the stack inside V8's regular-expression compiler, which aborts the
 * whole process ("FATAL ERROR: RegExpCompiler Allocation failed") instead of
 * throwing. A worker thread does not help: that abort takes down every thread.
 * So the depth is bounded before anything recursive runs, by the library's own
 * CST parser: it is iterative (its open collections live in `parser.stack`),
 * so it measures nesting exactly as the real parse will see it — flow and
 * block styles, quoted strings, comments and block scalars included — and it
 * stops at the first token past the limit. Only then does the Composer build
 * the document from those same tokens.
 *
 * Two of the library's checks are quadratic in the size of the document
 * (duplicate keys compare each key with every earlier one; each alias is
 * resolved by walking the whole document), which a 1 MiB body turns into
 * minutes of a blocked event loop. Both are replaced by linear checks here:
 * duplicate keys through a set per mapping, and a cap on alias nodes.
 *
 * The rest is linear but not cheap: a microsecond or more per token, and far
 * more per error, since the library builds an Error object for every one it
 * collects (a 1 MiB body of empty flow items, `{,,,…}`, has a million, which
 * cost seconds and a gigabyte). So the parse is bounded in three more ways,
 * each stopping at once rather than at the end: the lexer's tokens are counted
 * first and capped (MAX_YAML_TOKENS, a third more than the densest real CRD
 * of 1 MiB needs), the parser stops at its first error token or a
 * second document, and the composer throws at its first error. The slowest
 * body left is a legal one of tiny items just under the token cap.
 */

/** Deepest nesting of mappings and sequences accepted; real manifests (CRD schemas included) stay far below. */
export const MAX_DEPTH = 128;
/** Most `*alias` nodes accepted in one YAML document; manifests rarely use any. */
export const MAX_ALIASES = 100;
/**
 * Most lexical tokens (scalars, punctuation, spaces, line breaks) in one YAML
 * body. Real manifests are sparse: large CRDs (700–830 KB) need 65,000–96,000
 * per MiB, a ConfigMap of 2,000 values near 1 MiB about 16,000. Bodies of
 * empty or one-character items reach the cap within 100–300 KB. It bounds
 * what one body can cost: parsing the most a legal body may hold takes a few
 * hundred milliseconds, and a body past it is refused after lexing alone.
 */
export const MAX_YAML_TOKENS = 128 * 1024;
/** Most values (of any type, counted through aliases) in one body. */
const MAX_VALUES = 2_000_000;
/** The request path refuses longer bodies with 413 already (DESIGN: bodies ≤ 1 MiB); checked again where the bytes are read. */
export const MAX_BODY_BYTES = 1024 * 1024;

const TOO_DEEP = `the body is nested more than ${MAX_DEPTH} levels deep (or refers to itself)`;
const TOO_DENSE = `the edit has more than ${MAX_YAML_TOKENS} YAML tokens (values, punctuation, spaces, line breaks), more than a manifest of 1 MiB needs; if it really is one, send it as JSON (Content-Type: application/json)`;

/** The body as text: at most MAX_BODY_BYTES, and valid UTF-8 (a replacement character would silently change a value). */
export async function readBodyText(request: Request): Promise<string> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) throw new HttpError(413, `request body too large: the limit is ${MAX_BODY_BYTES} bytes`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, 'the body is not valid UTF-8');
  }
}

/**
 * A JSON object body (`{…}`), as the actions and reveal routes take. An empty
 * body is `{}` when `emptyIsObject` says so; `null`, arrays, numbers and strings are 400.
 */
export async function readJsonObject(request: Request, { emptyIsObject = false, expected = 'a JSON object' } = {}): Promise<Record<string, unknown>> {
  const text = await readBodyText(request);
  if (emptyIsObject && text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `the body must be ${expected}: ${(err as Error).message}`);
  }
  return asObject(value, `the body must be ${expected}`);
}

/**
 * An edited object, as JSON (`application/json`) or YAML (anything else; YAML is
 * a superset of JSON, so JSON sent with another type still parses). One document
 * holding one object.
 */
export function parseManifest(text: string, contentType: string | null): Record<string, unknown> {
  const json = /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType ?? '');
  let value: unknown;
  if (json) {
    try {
      value = JSON.parse(text); // V8's JSON parser is iterative: deep input cannot overflow it
    } catch (err) {
      throw new HttpError(400, `the edit is not valid JSON: ${(err as Error).message}`);
    }
  } else {
    value = parseYamlBounded(text);
  }
  return asObject(value, 'the edit must be one object');
}

/** A value that is a plain object, no deeper than MAX_DEPTH and without cycles (checked without recursion). */
function asObject(value: unknown, message: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, `${message}, not ${describe(value)}`);
  checkDepth(value);
  return value as Record<string, unknown>;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value === undefined) return 'nothing';
  return `a ${typeof value}`;
}

/**
 * Walks the value with an explicit stack. A cycle (a YAML alias to its own
 * ancestor) has no bottom, so it fails the depth check too. A subtree shared
 * through aliases is walked once per use, and the count of values is capped:
 * 1 MiB of JSON holds fewer than MAX_VALUES, so only alias expansion reaches it.
 */
function checkDepth(root: object): void {
  const stack: Array<[object, number]> = [[root, 1]];
  let values = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > MAX_DEPTH) throw new HttpError(400, TOO_DEEP);
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (++values > MAX_VALUES) throw new HttpError(400, `the body expands to more than ${MAX_VALUES} values (through YAML aliases?)`);
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
}

/** Where an offset is, as people count: "line 3, column 7". */
type Where = (offset: number) => string;
/** The composer's error callback: where (an offset, a range, or a token), a code, a message, and whether it is only a warning. */
type ComposeErrorHandler = (source: number | number[] | { offset: number }, code: string, message: string, warning?: boolean) => void;

/**
 * The body's lexical tokens, by the library's own lexer, refused past
 * MAX_YAML_TOKENS. Lexing alone costs a fraction of parsing and composing, so
 * a dense body is refused here before the dearer stages see any of it.
 */
function lexBounded(text: string): string[] {
  const lexemes: string[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    if (lexemes.push(lexeme) > MAX_YAML_TOKENS) throw new HttpError(400, TOO_DENSE);
  }
  return lexemes;
}

/**
 * The CST tokens of those lexemes, by the library's iterative parser, stopped
 * at the first error token it reports at the top level, at a second document,
 * and as soon as its stack of open collections passes MAX_DEPTH.
 */
function* cstBounded(lexemes: string[], lineCounter: LineCounter, where: Where): Generator<CST.Token> {
  const parser = new Parser(lineCounter.addNewLine);
  // The stack also holds the document and the node being built; allow for them.
  const limit = MAX_DEPTH + 3;
  let documents = 0;
  const checked = (token: CST.Token): CST.Token => {
    if (token.type === 'error') throw notYaml(where, token.offset, token.message);
    if (token.type === 'document' && ++documents > 1) throw new HttpError(400, `the edit must be one YAML document (a second one starts at ${where(token.offset)})`);
    return token;
  };
  lineCounter.addNewLine(0); // as Parser.parse does before the first lexeme
  for (const lexeme of lexemes) {
    for (const token of parser.next(lexeme)) yield checked(token);
    if (parser.stack.length > limit) throw new HttpError(400, TOO_DEEP);
  }
  for (const token of parser.end()) yield checked(token);
}

function notYaml(where: Where, offset: number, message: string): HttpError {
  return new HttpError(400, `the edit is not valid YAML or JSON (${where(offset)}): ${message.split('\n')[0]}`);
}

/**
 * A Composer that throws at its first error instead of collecting them all,
 * and drops warnings. The library builds an Error object for each one, and a
 * body of empty items (`{,,,…}`) has one per byte, of unknown tags (`[!a ,…]`)
 * one warning per item: collecting them costs seconds and up to a gigabyte for
 * a 1 MiB body. The hook is the composer's
 * `onError` property, which its constructor sets and every compose step reads
 * (private in the typings only).
 */
function failFastComposer(where: Where): Composer {
  const composer = new Composer({ uniqueKeys: false });
  // Where the library catches an error to report it through onError again, the first one is thrown again.
  let first: HttpError | undefined;
  const onError: ComposeErrorHandler = (source, _code, message, warning) => {
    if (warning) return;
    throw (first ??= notYaml(where, typeof source === 'number' ? source : Array.isArray(source) ? source[0] : source.offset, message));
  };
  const hooked = composer as unknown as { onError: ComposeErrorHandler };
  if (typeof hooked.onError !== 'function') throw new Error('yaml: Composer has no onError hook to replace');
  hooked.onError = onError;
  return composer;
}

function parseYamlBounded(text: string): unknown {
  const lineCounter = new LineCounter();
  const where: Where = (offset) => {
    const { line, col } = lineCounter.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  const lexemes = lexBounded(text);
  const docs: Document.Parsed[] = [];
  for (const doc of failFastComposer(where).compose(cstBounded(lexemes, lineCounter, where), true, text.length)) docs.push(doc);
  if (docs.length !== 1) throw new HttpError(400, `the edit must be one YAML document, not ${docs.length}`);
  const [doc] = docs;
  // Errors the composer records without its hook (a stray document end marker).
  const error = doc.errors[0];
  if (error) throw notYaml(where, error.pos[0], error.message);
  checkKeysAndAliases(doc, where);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    throw new HttpError(400, `the edit cannot be read: ${(err as Error).message}`);
  }
}

/** Duplicate keys (as the library would report them, in linear time) and the alias cap, over the composed nodes. */
function checkKeysAndAliases(doc: Document.Parsed, where: Where): void {
  let aliases = 0;
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      if (++aliases > MAX_ALIASES) throw new HttpError(400, `the edit uses more than ${MAX_ALIASES} YAML aliases`);
    } else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (seen.has(key)) throw new HttpError(400, `the edit is not valid YAML (${where(pair.key.range?.[0] ?? 0)}): the key "${key}" appears twice in one mapping`);
          seen.add(key);
        }
        stack.push(pair.key, pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) stack.push(item.key, item.value);
        else stack.push(item);
      }
    }
  }
}

/**
 * The JSONPath subset CRD printer columns use in practice:
 *
 *   .a.b            child keys (a `\.` inside a key is a literal dot)
 *   .a[0].b  [-1]   array index, negative from the end
 *   .a[*].b  .a.*   every element of an array / every value of an object
 *   ['x.y/z'] ["k"] quoted keys, for label and annotation names
 *   [?(@.type=="Ready")].status   a filter: comparison (== != < <= > >=) with a
 *                   string, number or boolean literal, or bare `@.x` for "exists"
 *
 * An expression may be wrapped in `{…}` and may start with `$`. Anything else
 * (recursive descent, slices, unions, functions) is a parse error, reported
 * with the position so a CRD author can see what was not understood.
 * Evaluation never throws: a path that leads nowhere yields no values.
 */

type Literal = string | number | boolean;
type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=';

export type Segment =
  | { type: 'key'; key: string }
  | { type: 'index'; index: number }
  | { type: 'wildcard' }
  | { type: 'filter'; path: Segment[]; operator?: Operator; literal?: Literal };

export interface JsonPath {
  source: string;
  segments: Segment[];
}

export class JsonPathError extends Error {
  constructor(source: string, position: number, problem: string) {
    super(`JSONPath ${JSON.stringify(source)}: ${problem} at position ${position}`);
    this.name = 'JsonPathError';
  }
}

const OPERATORS: Operator[] = ['==', '!=', '<=', '>=', '<', '>'];

class Parser {
  position = 0;
  constructor(private readonly text: string) {}

  fail(problem: string): never {
    throw new JsonPathError(this.text, this.position, problem);
  }

  peek(offset = 0): string {
    return this.text.charAt(this.position + offset);
  }

  skipSpaces(): void {
    while (this.peek() === ' ') this.position++;
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected ${JSON.stringify(char)}`);
    this.position++;
  }

  /** Segments until the end of the text, or until `stop` says to stop (inside a filter). */
  segments(stop: (char: string) => boolean): Segment[] {
    const segments: Segment[] = [];
    while (this.position < this.text.length && !stop(this.peek())) {
      const char = this.peek();
      if (char === '.') {
        this.position++;
        if (this.peek() === '.') this.fail('recursive descent (..) is not supported');
        if (this.peek() === '*') {
          this.position++;
          segments.push({ type: 'wildcard' });
        } else if (this.peek() === '[') {
          // `.['key']` and `.[0]` read the same as without the dot.
          continue;
        } else segments.push({ type: 'key', key: this.bareKey() });
      } else if (char === '[') segments.push(this.bracket());
      else this.fail(`unexpected ${JSON.stringify(char)}`);
    }
    return segments;
  }

  bareKey(): string {
    let key = '';
    while (this.position < this.text.length) {
      const char = this.peek();
      if (char === '\\' && this.position + 1 < this.text.length) {
        key += this.peek(1);
        this.position += 2;
        continue;
      }
      if (char === '.' || char === '[' || char === ' ' || char === ')' || OPERATORS.some((op) => this.text.startsWith(op, this.position)) || char === '!') break;
      key += char;
      this.position++;
    }
    if (key === '') this.fail('expected a key');
    return key;
  }

  quoted(): string {
    const quote = this.peek();
    this.position++;
    let value = '';
    while (this.position < this.text.length && this.peek() !== quote) {
      if (this.peek() === '\\' && this.position + 1 < this.text.length) this.position++;
      value += this.peek();
      this.position++;
    }
    this.expect(quote);
    return value;
  }

  bracket(): Segment {
    this.expect('[');
    this.skipSpaces();
    let segment: Segment;
    const char = this.peek();
    if (char === '*') {
      this.position++;
      segment = { type: 'wildcard' };
    } else if (char === "'" || char === '"') segment = { type: 'key', key: this.quoted() };
    else if (char === '?') segment = this.filter();
    else {
      const match = /^-?\d+/.exec(this.text.slice(this.position));
      if (!match) this.fail('expected an index, *, a quoted key or a filter');
      this.position += match[0].length;
      segment = { type: 'index', index: Number(match[0]) };
    }
    this.skipSpaces();
    if (this.peek() === ':' || this.peek() === ',') this.fail('slices and unions are not supported');
    this.expect(']');
    return segment;
  }

  filter(): Segment {
    this.expect('?');
    this.expect('(');
    this.skipSpaces();
    this.expect('@');
    const path = this.segments((char) => char === ' ' || char === ')' || char === '=' || char === '!' || char === '<' || char === '>');
    this.skipSpaces();
    const operator = OPERATORS.find((op) => this.text.startsWith(op, this.position));
    if (!operator) {
      this.expect(')');
      return { type: 'filter', path };
    }
    this.position += operator.length;
    this.skipSpaces();
    const literal = this.literal();
    this.skipSpaces();
    this.expect(')');
    return { type: 'filter', path, operator, literal };
  }

  literal(): Literal {
    const char = this.peek();
    if (char === "'" || char === '"') return this.quoted();
    const match = /^(true|false|-?\d+(\.\d+)?)/.exec(this.text.slice(this.position));
    if (!match) this.fail('expected a quoted string, a number, true or false');
    this.position += match[0].length;
    if (match[0] === 'true') return true;
    if (match[0] === 'false') return false;
    return Number(match[0]);
  }
}

/** Parses an expression once, to evaluate it against many objects. Throws JsonPathError. */
export function parseJsonPath(source: string): JsonPath {
  let text = source.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1).trim();
  if (text.startsWith('$')) text = text.slice(1);
  if (text === '') throw new JsonPathError(source, 0, 'empty expression');
  const parser = new Parser(text);
  return { source, segments: parser.segments(() => false) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compare(left: unknown, operator: Operator, right: Literal): boolean {
  if (operator === '==') return left === right;
  if (operator === '!=') return !compare(left, '==', right);
  if (typeof left !== typeof right || (typeof left !== 'number' && typeof left !== 'string')) return false;
  const a = left as number | string;
  const b = right as number | string;
  switch (operator) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function step(values: unknown[], segment: Segment): unknown[] {
  const out: unknown[] = [];
  for (const value of values) {
    switch (segment.type) {
      case 'key':
        if (isObject(value) && Object.hasOwn(value, segment.key)) out.push(value[segment.key]);
        break;
      case 'index':
        if (Array.isArray(value)) {
          const index = segment.index < 0 ? value.length + segment.index : segment.index;
          if (index >= 0 && index < value.length) out.push(value[index]);
        }
        break;
      case 'wildcard':
        if (Array.isArray(value)) out.push(...value);
        else if (isObject(value)) out.push(...Object.values(value));
        break;
      case 'filter': {
        const items = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
        for (const item of items) {
          const found = run(segment.path, item);
          const keep = segment.operator === undefined ? found.length > 0 : found.some((candidate) => compare(candidate, segment.operator!, segment.literal!));
          if (keep) out.push(item);
        }
        break;
      }
    }
  }
  return out;
}

function run(segments: Segment[], root: unknown): unknown[] {
  let values: unknown[] = [root];
  for (const segment of segments) {
    values = step(values, segment);
    if (values.length === 0) break;
  }
  return values;
}

/**
 * Every value the path reaches in `root`, in document order; `[]` when it reaches
 * none. Only parsing a string path can throw; a parsed path never does.
 */
export function evaluateJsonPath(path: JsonPath | string, root: unknown): unknown[] {
  const parsed = typeof path === 'string' ? parseJsonPath(path) : path;
  return run(parsed.segments, root);
}

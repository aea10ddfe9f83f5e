import { describe, expect, it } from 'vitest';
import { HttpError } from '../../server/http/errors';
import { Lexer, stringify } from 'yaml';
import { MAX_ALIASES, MAX_BODY_BYTES, MAX_DEPTH, MAX_YAML_TOKENS, parseManifest, readJsonObject } from '../../server/http/requestBody';

function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected an HttpError');
}

/** `{a: {a: … 'x' …}}` with `depth` mappings, in each style. */
const flowMaps = (depth: number) => '{a: '.repeat(depth) + 'x' + '}'.repeat(depth);
const flowSeqs = (depth: number) => 'a: ' + '['.repeat(depth - 1) + 'x' + ']'.repeat(depth - 1);
const blockMaps = (depth: number) => Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}a:${i === depth - 1 ? ' x' : ''}`).join('\n');
const jsonMaps = (depth: number) => '{"a":'.repeat(depth) + '"x"' + '}'.repeat(depth);

const WORDS = 'the of a value to is for field this in that be an when if it must'.split(' ');

/**
 * A CRD in the shape of the largest real ones (prometheus-operator's, 700–830 KB):
 * `properties` fields under spec, each with a type and a 120-character description,
 * every fifth an object of its own. Its descriptions are shorter than theirs, so it is denser.
 */
function aLargeCrd(properties: number): Record<string, unknown> {
  const fields = Object.fromEntries(
    Array.from({ length: properties }, (_, i) => {
      const description = `Field ${i} ${Array.from({ length: 40 }, (_, j) => WORDS[(i + j) % WORDS.length]).join(' ')}`.slice(0, 120);
      const field =
        i % 5 === 0
          ? { description, type: 'object', properties: { name: { description, type: 'string' }, enabled: { type: 'boolean' }, items: { type: 'array', items: { type: 'string' } } }, required: ['name'] }
          : { description, type: i % 2 ? 'string' : 'integer', ...(i % 3 === 0 ? { format: 'int32' } : {}) };
      return [`field${i}`, field];
    }),
  );
  const openAPIV3Schema = { type: 'object', properties: { spec: { type: 'object', properties: fields } } };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }] },
  };
}

/** The CRD rendered by `render`, with as many fields as fit in `bytes`. */
function largestCrd(render: (crd: Record<string, unknown>) => string, bytes: number): string {
  const perField = (render(aLargeCrd(200)).length - render(aLargeCrd(100)).length) / 100;
  let fields = Math.floor((bytes - render(aLargeCrd(0)).length) / perField);
  let text = render(aLargeCrd(fields));
  while (text.length > bytes) text = render(aLargeCrd(--fields));
  return text;
}

const tokenCount = (text: string) => Array.from(new Lexer().lex(text)).length;

describe('parseManifest', () => {
  it.each([
    ['flow mappings', flowMaps, 'application/yaml'],
    ['flow sequences', flowSeqs, 'application/yaml'],
    ['block mappings', blockMaps, 'application/yaml'],
    ['JSON', jsonMaps, 'application/json'],
    ['JSON sent as YAML', jsonMaps, 'application/yaml'],
  ])('accepts %s nested exactly to the limit and refuses one level more', (_, build, type) => {
    expect(parseManifest(build(MAX_DEPTH), type)).toBeTypeOf('object');
    expect(refusal(() => parseManifest(build(MAX_DEPTH + 1), type))).toMatchObject({ status: 400, message: expect.stringMatching(/nested more than/) });
  });

  it('does not count brackets inside quoted strings, block scalars or comments as nesting', () => {
    const brackets = '['.repeat(5000) + '{'.repeat(5000);
    const text = [`kind: ConfigMap`, `# ${brackets}`, `data:`, `  single: '${brackets}'`, `  double: "${brackets}"`, `  block: |`, `    ${brackets}`, `  plain: a${brackets}`].join('\n');
    const parsed = parseManifest(text, 'application/yaml') as { data: Record<string, string> };
    expect(parsed.data).toEqual({ single: brackets, double: brackets, block: `${brackets}\n`, plain: `a${brackets}` });
  });

  it('refuses a recursive alias and an alias bomb, and accepts a few plain aliases', () => {
    expect(refusal(() => parseManifest('kind: X\ndata: &a {k: *a}\n', 'application/yaml')).status).toBe(400);
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefg'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`)].join('\n');
    expect(refusal(() => parseManifest(bomb, 'application/yaml')).status).toBe(400);
    const aliases = (n: number) => `anchor: &x 1\nlist:\n${'  - *x\n'.repeat(n)}`;
    expect(parseManifest(aliases(MAX_ALIASES / 2), 'application/yaml')).toMatchObject({ anchor: 1 });
    expect(refusal(() => parseManifest(aliases(MAX_ALIASES + 1), 'application/yaml')).message).toMatch(/aliases/);
    expect(parseManifest('base: &b {image: nginx}\nfirst: *b\nsecond: *b\n', 'application/yaml')).toEqual({ base: { image: 'nginx' }, first: { image: 'nginx' }, second: { image: 'nginx' } });
  });

  it('refuses anything but one object, duplicate keys and several documents, saying where', () => {
    for (const text of ['null', '[1]', '42', '"x"', 'true', '']) expect(refusal(() => parseManifest(text, 'application/yaml')).status).toBe(400);
    expect(refusal(() => parseManifest('a: 1\nb: 2\na: 3\n', 'application/yaml')).message).toMatch(/line 3, column 1.*"a" appears twice/);
    expect(refusal(() => parseManifest('a: 1\n---\nb: 2\n', 'application/yaml')).message).toMatch(/one YAML document \(a second one starts at line 2, column 1\)/);
    expect(refusal(() => parseManifest('a: 1\n' + '---\n'.repeat(50_000), 'application/yaml')).message).toMatch(/a second one starts at line 2/);
    expect(refusal(() => parseManifest('{"a": ', 'application/json')).message).toMatch(/not valid JSON/);
  });

  it('names the first error of a body full of them, once', () => {
    const cases: Array<[string, RegExp]> = [
      ['{' + ','.repeat(50_000) + '}', /^the edit is not valid YAML or JSON \(line 1, column 3\): Unexpected , in flow map$/],
      ['kind: X\ndata: [' + ','.repeat(50_000) + ']', /^the edit is not valid YAML or JSON \(line 2, column 9\): Unexpected , in flow sequence$/],
      ['kind: X\nvalue: "' + '\\q'.repeat(50_000) + '"', /^the edit is not valid YAML or JSON \(line 2, column 9\): Invalid escape sequence \\q$/],
      [']'.repeat(50_000), /^the edit is not valid YAML or JSON \(line 1, column 1\): Unexpected flow-seq-end token/],
      ['kind: X\n\t- a\n'.repeat(2), /\(line 2, column 1\): Tabs are not allowed as indentation$/],
    ];
    for (const [text, message] of cases) expect(refusal(() => parseManifest(text, 'application/yaml'))).toMatchObject({ status: 400, message: expect.stringMatching(message) });
  });

  it('accepts a CRD schema as dense as the largest real ones, up to the size limit, as YAML and as JSON sent as YAML', () => {
    for (const render of [(crd: object) => stringify(crd), (crd: object) => JSON.stringify(crd)]) {
      const text = largestCrd(render, MAX_BODY_BYTES - 64);
      expect(text.length).toBeGreaterThan(MAX_BODY_BYTES - 4096);
      // Real large CRDs have 65,000–96,000 tokens per MiB; this one has more.
      expect(tokenCount(text)).toBeGreaterThan(96_000);
      expect(parseManifest(text, 'application/yaml')).toMatchObject({ kind: 'CustomResourceDefinition' });
    }
  });

  it('refuses a body of more YAML tokens than any manifest needs, and accepts a dense one just under the cap', () => {
    const tokens = tokenCount;
    /** `{k: [a,a,…]}`, with as many items as fit in `budget` tokens. */
    const items = (budget: number) => {
      const perItem = tokens('{k: [a,a]}') - tokens('{k: [a]}');
      const n = Math.floor((budget - tokens('{k: [a]}')) / perItem) + 1;
      return { n, text: `{k: [${'a,'.repeat(n - 1)}a]}` };
    };
    const under = items(MAX_YAML_TOKENS);
    expect(tokens(under.text)).toBe(MAX_YAML_TOKENS - ((MAX_YAML_TOKENS - tokens('{k: [a]}')) % (tokens('{k: [a,a]}') - tokens('{k: [a]}'))));
    expect((parseManifest(under.text, 'application/yaml') as { k: string[] }).k.length).toBe(under.n);
    const over = items(MAX_YAML_TOKENS + 10).text;
    expect(tokens(over)).toBeGreaterThan(MAX_YAML_TOKENS);
    for (const text of [over, '{' + ','.repeat(1_048_574) + '}', '[' + '!,'.repeat(500_000) + ']', '{' + 'a b: ,'.repeat(170_000) + '}']) {
      expect(refusal(() => parseManifest(text, 'application/yaml'))).toMatchObject({ status: 400, message: expect.stringMatching(`more than ${MAX_YAML_TOKENS} YAML tokens`) });
    }
  });
});

describe('readJsonObject', () => {
  const request = (body: BodyInit) => new Request('http://portal.invalid/', { method: 'POST', body });

  it('reads an object, and an empty body as {} where allowed', async () => {
    expect(await readJsonObject(request('{"replicas": 3}'))).toEqual({ replicas: 3 });
    expect(await readJsonObject(request(''), { emptyIsObject: true })).toEqual({});
    await expect(readJsonObject(request(''))).rejects.toMatchObject({ status: 400 });
  });

  it('refuses null, lists, numbers, strings and bytes that are not UTF-8', async () => {
    for (const body of ['null', '[]', '7', '"x"']) await expect(readJsonObject(request(body))).rejects.toMatchObject({ status: 400 });
    await expect(readJsonObject(request(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])))).rejects.toMatchObject({ status: 400, message: 'the body is not valid UTF-8' });
  });
});

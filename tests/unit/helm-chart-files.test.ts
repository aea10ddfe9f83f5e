import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KINDS_TEMPLATE_PATH, kindsTemplate, SCHEMA_PATH, schemaText, valuesSchema, watchStreamTokens } from '../../scripts/helm-schema';
import { BUILTIN_KINDS } from '../../lib/kinds';

const CHART = new URL('../../helm/crowsnest/', import.meta.url);
const read = (path: string | URL) => readFileSync(path, 'utf8');

type Schema = { type?: string | string[]; additionalProperties?: boolean; properties?: Record<string, Schema> };

/** Every value the schema knows, as a dotted path; objects the chart passes through whole (resources, affinity…) are one value. */
function schemaPaths(schema: Schema, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return child.properties ? schemaPaths(child, path) : [path];
  });
}

function valueAt(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' && key in at ? (at as Record<string, unknown>)[key] : undefined), values);
}

describe('the chart’s generated files', () => {
  it('are what `npm run helm:schema` writes from the kinds registry now (run it after changing lib/kinds)', () => {
    expect(read(SCHEMA_PATH)).toBe(schemaText());
    expect(read(KINDS_TEMPLATE_PATH)).toBe(kindsTemplate());
  });

  it('accept every kind token of the registry in watchStreams.kinds, with and without a minus', () => {
    const pattern = new RegExp((valuesSchema() as any).properties.watchStreams.properties.kinds.items.pattern);
    for (const kind of BUILTIN_KINDS) {
      expect(pattern.test(kind.token)).toBe(true);
      expect(pattern.test(`-${kind.token}`)).toBe(true);
    }
    expect(watchStreamTokens()).toContain('workloads');
    expect(pattern.test('banana')).toBe(false);
    expect(pattern.test('-off')).toBe(false);
  });
});

describe('values.yaml, the schema and the chart README', () => {
  const values = parse(read(new URL('values.yaml', CHART)));
  const paths = schemaPaths(valuesSchema() as Schema);
  const readmeRows = [...read(new URL('README.md', CHART)).split('## Values')[1].matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);

  it('give every value in values.yaml a schema entry, and every schema entry a default', () => {
    expect(paths.filter((path) => valueAt(values, path) === undefined)).toEqual([]);
    const leaves = (o: Record<string, unknown>, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) => {
        const path = prefix ? `${prefix}.${k}` : k;
        return paths.includes(path) || !v || typeof v !== 'object' || Array.isArray(v) ? [path] : leaves(v as Record<string, unknown>, path);
      });
    expect(leaves(values).filter((path) => !paths.includes(path))).toEqual([]);
  });

  it('list every value in the chart README, and no value that does not exist', () => {
    expect(paths.filter((path) => !readmeRows.includes(path))).toEqual([]);
    expect(readmeRows.filter((row) => !paths.includes(row))).toEqual([]);
  });
});

describe('the values files in ci/ (each linted and dry-run by the integration test)', () => {
  const paths = schemaPaths(valuesSchema() as Schema);
  const files = readdirSync(new URL('ci/', CHART)).filter((f) => f.endsWith('-values.yaml'));
  const valuesFiles = files.map((file) => parse(read(new URL(`ci/${file}`, CHART))) ?? {});
  const setSomewhere = (path: string, wanted: (value: unknown) => boolean) => valuesFiles.some((values) => wanted(valueAt(values, path)));

  it('name a Secret of your own in every existingSecret value, in some file', () => {
    const secrets = paths.filter((path) => path.endsWith('existingSecret'));
    expect(secrets).toContain('redis.bundled.auth.existingSecret');
    expect(secrets.filter((path) => !setSomewhere(path, (value) => typeof value === 'string' && value !== ''))).toEqual([]);
  });

  it('turn off every create switch, and add custom resource rules, in some file', () => {
    const switches = paths.filter((path) => path.endsWith('.create'));
    expect(switches.sort()).toEqual(['rbac.create', 'serviceAccount.create']);
    expect(switches.filter((path) => !setSomewhere(path, (value) => value === false))).toEqual([]);
    expect(setSomewhere('rbac.customResources', (value) => Array.isArray(value) && value.length > 0)).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { fieldsAt, lintYaml, pathAt, schemaAt } from '@/app/components/editor/schemaTools';
import type { KindSchema, SchemaNode } from '@/lib/schema';

const ref = (name: string): SchemaNode => ({ allOf: [{ $ref: `#/components/schemas/${name}` }] });
const obj = (properties: Record<string, SchemaNode>): SchemaNode => ({ type: 'object', properties });

/** A Deployment-shaped schema, wrapped in `allOf` refs as the apiserver publishes it. */
function aDeploymentSchema(): KindSchema {
  return {
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    root: 'Deployment',
    schemas: {
      Deployment: obj({ apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: ref('ObjectMeta'), spec: ref('DeploymentSpec') }),
      ObjectMeta: obj({ name: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string' } } }),
      DeploymentSpec: obj({ replicas: { type: 'integer', description: 'Number of desired pods.\nMore.' }, paused: { type: 'boolean' }, template: ref('PodTemplateSpec') }),
      PodTemplateSpec: obj({ spec: ref('PodSpec') }),
      PodSpec: obj({ containers: { type: 'array', items: ref('Container') } }),
      Container: obj({ name: { type: 'string' }, image: { type: 'string' }, ports: { type: 'array', items: obj({ containerPort: { type: 'integer' } }) }, resources: obj({ limits: { type: 'object', additionalProperties: { 'x-kubernetes-int-or-string': true } } }) }),
    },
  };
}

const draft = (spec: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n${spec}`;

describe('the YAML editor reads the kind schema', () => {
  const schema = aDeploymentSchema();

  it('follows refs and list items to a field', () => {
    expect(schemaAt(schema, ['spec', 'template', 'spec', 'containers', 0, 'image'])?.type).toBe('string');
    expect(schemaAt(schema, ['spec', 'nope'])).toBeUndefined();
  });

  it('finds unknown fields with their full path, and only those', () => {
    const text = draft('  replica: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        imagePullPolice: Always\n');
    const problems = lintYaml(schema, text);
    expect(problems.map((p) => p.message)).toEqual(['unknown field "spec.replica"', 'unknown field "spec.template.spec.containers[0].imagePullPolice"']);
    expect(text.slice(problems[0].from, problems[0].to)).toBe('replica');
  });

  it('finds values of the wrong type, and accepts labels and int-or-string quantities of any key', () => {
    const text = draft('  replicas: three\n  paused: "yes"\n  template:\n    spec:\n      containers:\n      - name: web\n        ports:\n        - containerPort: 80\n        resources:\n          limits:\n            cpu: 500m\n            memory: 1\n');
    expect(lintYaml(schema, text).map((p) => p.message)).toEqual(['spec.replicas: expected integer, got string "three"', 'spec.paused: expected boolean, got string "yes"']);
  });

  it('says nothing about a draft that does not parse (the server’s parser words that)', () => {
    expect(lintYaml(schema, 'spec: [unclosed')).toEqual([]);
  });

  it('knows where the cursor is from indentation, lists included', () => {
    const above = draft('  template:\n    spec:\n      containers:\n      - name: web\n');
    expect(pathAt(above + '        ', (above + '        ').length)).toEqual(['spec', 'template', 'spec', 'containers', 0]);
    expect(pathAt(above + '      - ', (above + '      - ').length)).toEqual(['spec', 'template', 'spec', 'containers', 0]);
    const nested = above + '        resources:\n          ';
    expect(pathAt(nested, nested.length)).toEqual(['spec', 'template', 'spec', 'containers', 0, 'resources']);
    const top = draft('  replicas: 1\n');
    expect(pathAt(top + '  ', (top + '  ').length)).toEqual(['spec']);
    expect(pathAt(top, top.length)).toEqual([]);
  });

  it('offers the fields of the place, with type and the first line of their description', () => {
    expect(fieldsAt(schema, ['spec'])).toContainEqual({ name: 'replicas', type: 'integer', info: 'Number of desired pods.' });
    expect(fieldsAt(schema, ['spec', 'template', 'spec', 'containers', 0]).map((f) => f.name)).toEqual(['name', 'image', 'ports', 'resources']);
  });
});

import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, strategicMerge } from '../../sim/patch';
import { StatusError } from '../../sim/status';

const deployment = () => ({
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] },
          { name: 'sidecar', image: 'envoy:1' },
        ],
        volumes: [{ name: 'data', emptyDir: {} }],
        tolerations: [{ key: 'a' }],
      },
    },
  },
  metadata: { labels: { app: 'web' }, finalizers: ['x'] },
});

describe('JSON merge patch', () => {
  it('merges maps, deletes on null and replaces lists', () => {
    const out = mergePatch(deployment(), { metadata: { labels: { app: null, tier: 'fe' } }, spec: { template: { spec: { containers: [{ name: 'only' }] } } } }) as any;
    expect(out.metadata.labels).toEqual({ tier: 'fe' });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'only' }]);
    expect(out.spec.replicas).toBe(2);
  });

  it('does not change its input', () => {
    const input = deployment();
    mergePatch(input, { spec: { replicas: 9 } });
    expect(input.spec.replicas).toBe(2);
  });
});

describe('JSON patch', () => {
  it('applies add, replace, remove, move, copy and test in order', () => {
    const out = jsonPatch(deployment(), [
      { op: 'test', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/labels/tier', value: 'fe' },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'third' } },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copied' },
      { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/moved' },
      { op: 'add', path: '/metadata/annotations', value: { 'a~b/c': 'x' } },
      { op: 'replace', path: '/metadata/annotations/a~0b~1c', value: 'y' },
    ]) as any;
    expect(out.spec.replicas).toBe(3);
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['web', 'third']);
    expect(out.metadata.labels).toEqual({ app: 'web', copied: 'web', moved: 'fe' });
    expect(out.metadata.annotations).toEqual({ 'a~b/c': 'y' });
  });

  it('fails a test operation or a missing path with a 422', () => {
    expect(() => jsonPatch(deployment(), [{ op: 'test', path: '/spec/replicas', value: 5 }])).toThrow(StatusError);
    expect(() => jsonPatch(deployment(), [{ op: 'remove', path: '/spec/nope' }])).toThrow(StatusError);
    expect(() => jsonPatch(deployment(), [{ op: 'replace', path: '/spec/x/y', value: 1 }])).toThrow(StatusError);
    expect(() => jsonPatch(deployment(), { op: 'add' })).toThrow(StatusError);
  });
});

describe('strategic merge patch (approximation)', () => {
  it('merges containers and env by name and keeps the rest', () => {
    const out = strategicMerge(deployment(), { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2', env: [{ name: 'B', value: '20' }, { name: 'C', value: '3' }] }] } } } }) as any;
    const [web, sidecar] = out.spec.template.spec.containers;
    expect(web.image).toBe('nginx:2');
    expect(web.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '20' }, { name: 'C', value: '3' }]);
    expect(web.ports).toEqual([{ containerPort: 80 }]);
    expect(sidecar).toEqual({ name: 'sidecar', image: 'envoy:1' });
  });

  it('merges container ports by containerPort and replaces lists without a merge key', () => {
    const out = strategicMerge(deployment(), { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 443 }] }], tolerations: [{ key: 'b' }] } } } }) as any;
    expect(out.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80 }, { containerPort: 443 }]);
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'b' }]);
  });

  it('honours $patch: delete on list items and $patch: replace on maps', () => {
    const out = strategicMerge(deployment(), {
      metadata: { labels: { $patch: 'replace', only: 'this' } },
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }], volumes: [{ name: 'data', $patch: 'delete' }] } } },
    }) as any;
    expect(out.metadata.labels).toEqual({ only: 'this' });
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['web']);
    expect(out.spec.template.spec.volumes).toEqual([]);
  });

  it('handles kubectl apply directives: $setElementOrder, $deleteFromPrimitiveList and null deletes', () => {
    const out = strategicMerge(deployment(), {
      metadata: { $deleteFromPrimitiveList: undefined, ['$deleteFromPrimitiveList/finalizers']: ['x'], labels: { app: null } },
      spec: { template: { spec: { ['$setElementOrder/containers']: [{ name: 'sidecar' }, { name: 'web' }], containers: [{ name: 'web', image: 'nginx:3' }] } } },
    }) as any;
    expect(out.metadata.finalizers).toEqual([]);
    expect(out.metadata.labels).toEqual({});
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['sidecar', 'web']);
    expect(JSON.stringify(out)).not.toContain('$');
  });

  it('merges finalizers as a set', () => {
    const out = strategicMerge(deployment(), { metadata: { finalizers: ['x', 'y'] } }) as any;
    expect(out.metadata.finalizers).toEqual(['x', 'y']);
  });
});

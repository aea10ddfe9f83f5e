import { describe, expect, it } from 'vitest';
import { FieldSet, fieldSetOf, mergeApplied, pathString, recordUpdate, serverSideApply } from '../../sim/managedFields';
import { StatusError } from '../../sim/status';
import type { KubeObject } from '../../sim/types';

function aDeployment(spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'a', ...metadata }, spec };
}

const containers = (...list: Record<string, unknown>[]) => ({ template: { spec: { containers: list } } });

describe('field sets', () => {
  it('owns leaves, keyed list items and metadata maps, and round-trips through FieldsV1', () => {
    const obj = aDeployment({ replicas: 2, ...containers({ name: 'web', image: 'x', ports: [{ containerPort: 80 }], args: ['a'] }) }, { labels: { app: 'web' }, uid: 'u' });
    const set = fieldSetOf(obj);
    const tree = set.toFieldsV1();
    expect(tree).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:image': {}, 'f:args': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } },
            },
          },
        },
      },
    });
    expect(FieldSet.fromFieldsV1(tree).size).toBe(set.size);
  });

  it('names paths as conflicts print them', () => {
    expect(pathString(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'])).toBe('.spec.containers[name="web"].image');
    expect(pathString(['f:metadata', 'f:finalizers', 'v:"x"'])).toBe('.metadata.finalizers[="x"]');
  });

  it('merges an applied configuration by list keys and replaces atomic lists', () => {
    const live = { spec: { containers: [{ name: 'a', image: '1', args: ['x'] }, { name: 'b', image: '2' }] } };
    const out = mergeApplied(live, { spec: { containers: [{ name: 'b', image: '3', args: ['y'] }] } }) as any;
    expect(out.spec.containers).toEqual([{ name: 'a', image: '1', args: ['x'] }, { name: 'b', image: '3', args: ['y'] }]);
  });
});

describe('ownership across writers', () => {
  it('moves a field to whoever updates it last, and conflicts when an applier then changes it', () => {
    const first = serverSideApply(undefined, aDeployment({ replicas: 1 }), 'helm', 'apps/v1', false);
    const scaled = structuredClone(first);
    (scaled.spec as any).replicas = 3;
    recordUpdate(first, scaled, 'hpa', 'apps/v1');
    const managers = (scaled.metadata.managedFields as any[]).map((e) => [e.manager, e.operation, Object.keys(e.fieldsV1['f:spec'] ?? {})]);
    expect(managers).toEqual([['hpa', 'Update', ['f:replicas']]]);
    expect(() => serverSideApply(scaled, aDeployment({ replicas: 1 }), 'helm', 'apps/v1', false)).toThrow(StatusError);
    const forced = serverSideApply(scaled, aDeployment({ replicas: 1 }), 'helm', 'apps/v1', true);
    expect((forced.spec as any).replicas).toBe(1);
  });

  it('removes a field its only owner stops applying', () => {
    const first = serverSideApply(undefined, aDeployment({ replicas: 1, paused: true }), 'helm', 'apps/v1', false);
    const next = serverSideApply(first, aDeployment({ replicas: 1 }), 'helm', 'apps/v1', false);
    expect(next.spec).toEqual({ replicas: 1 });
  });
});

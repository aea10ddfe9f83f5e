import { describe, expect, it } from 'vitest';
import { customResourceKind, pluralTitle } from '../../lib/kinds/customResource';
import type { KubeObject } from '../../lib/kinds/types';
import { aCrd, anObject } from './kinds-fixtures';

const printerColumns = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
  { name: 'Ratio', type: 'number', jsonPath: '.status.ratio' },
  { name: 'Paused', type: 'boolean', jsonPath: '.spec.paused' },
  { name: 'Hosts', type: 'string', jsonPath: '.spec.hosts[*]' },
  { name: 'Last Sync', type: 'date', jsonPath: '.status.lastSync' },
  { name: 'Owner', type: 'string', jsonPath: ".metadata.labels['team.example.com/owner']", priority: 1 },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Broken', type: 'string', jsonPath: '..recursive' },
];

const aWidget = (fields: Record<string, unknown> = {}, extraMeta: Record<string, unknown> = {}): KubeObject => anObject('example.com/v1', 'Widget', 'w1', 'shop', fields, extraMeta);

describe('custom resource kinds', () => {
  it('take token, coordinates and scope from the CRD, preferring the storage version', () => {
    const kind = customResourceKind(aCrd({ versions: [{ name: 'v1beta1', served: true }, { name: 'v1', served: true, storage: true }] }))!;
    expect(kind).toMatchObject({ token: 'widgets.example.com', group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true, alias: 'custom', title: 'Widgets', crdName: 'widgets.example.com' });
    const cluster = customResourceKind(aCrd({ plural: 'clusterpolicies', kind: 'ClusterPolicy', scope: 'Cluster', versions: [{ name: 'v2', served: false, storage: true }, { name: 'v1', served: true }] }))!;
    expect(cluster).toMatchObject({ token: 'clusterpolicies.example.com', version: 'v1', namespaced: false, title: 'ClusterPolicies' });
    expect(cluster.project(anObject('example.com/v1', 'ClusterPolicy', 'p', undefined)).namespace).toBeUndefined();
  });

  it("turn the version's printer columns into typed columns, leaving Age to the row and skipping a path it cannot read", () => {
    const kind = customResourceKind(aCrd({ versions: [{ name: 'v1', served: true, storage: true, additionalPrinterColumns: printerColumns }] }))!;
    expect(kind.columns).toEqual([
      { id: 'pc:ready', title: 'READY', type: 'text' },
      { id: 'pc:replicas', title: 'REPLICAS', type: 'number' },
      { id: 'pc:ratio', title: 'RATIO', type: 'number' },
      { id: 'pc:paused', title: 'PAUSED', type: 'text' },
      { id: 'pc:hosts', title: 'HOSTS', type: 'text' },
      { id: 'pc:last-sync', title: 'LAST SYNC', type: 'age' },
      { id: 'pc:owner', title: 'OWNER', type: 'text', priority: 1 },
    ]);
  });

  it('project objects through those columns, formatted by type', () => {
    const kind = customResourceKind(aCrd({ versions: [{ name: 'v1', served: true, storage: true, additionalPrinterColumns: printerColumns }] }))!;
    const row = kind.project(
      aWidget(
        { spec: { replicas: 3, paused: true, hosts: ['a.example.com', 'b.example.com'] }, status: { ratio: 0.5, lastSync: '2024-05-01T10:00:00Z', conditions: [{ type: 'Ready', status: 'True' }] } },
        { labels: { 'team.example.com/owner': 'payments' } },
      ),
    );
    expect(row.cells).toEqual({
      'pc:ready': 'True',
      'pc:replicas': 3,
      'pc:ratio': 0.5,
      'pc:paused': true,
      'pc:hosts': 'a.example.com,b.example.com',
      'pc:last-sync': '2024-05-01T10:00:00Z',
      'pc:owner': 'payments',
    });
    expect(row).toMatchObject({ name: 'w1', namespace: 'shop', tone: 'ok' });
    const empty = kind.project(aWidget({ status: { lastSync: 'not a date', conditions: [{ type: 'Ready', status: 'False' }] } }));
    expect(empty.cells).toEqual({ 'pc:ready': 'False', 'pc:replicas': null, 'pc:ratio': null, 'pc:paused': null, 'pc:hosts': null, 'pc:last-sync': null, 'pc:owner': null });
    expect(empty.tone).toBe('warning');
  });

  it('give colliding column names distinct ids, and cut huge cells', () => {
    const kind = customResourceKind(aCrd({ versions: [{ name: 'v1', served: true, storage: true, additionalPrinterColumns: [{ name: 'Spec', type: 'string', jsonPath: '.spec' }, { name: 'spec', type: 'string', jsonPath: '.spec.x' }] }] }))!;
    expect(kind.columns.map((column) => column.id)).toEqual(['pc:spec', 'pc:spec-2']);
    const row = kind.project(aWidget({ spec: { x: 'y'.repeat(1000) } }));
    expect((row.cells['pc:spec'] as string).length).toBeLessThanOrEqual(257);
    expect((row.cells['pc:spec'] as string).startsWith('{"x":"yyy')).toBe(true);
  });

  it('read their tone from a Ready condition first, then from a phase or state word', () => {
    const kind = customResourceKind(aCrd())!;
    const tone = (status: unknown) => kind.project(aWidget({ status })).tone;
    expect(tone({ phase: 'Failed', conditions: [{ type: 'Ready', status: 'True' }] })).toBe('ok');
    expect(tone({ phase: 'Succeeded' })).toBe('done');
    expect(tone({ phase: 'Failed' })).toBe('error');
    expect(tone({ state: 'provisioning' })).toBe('progress');
    expect(tone({ phase: 'Whatever' })).toBe('neutral');
    expect(tone({ phase: 'constructor' })).toBe('neutral');
    expect(tone(undefined)).toBe('neutral');
  });

  it('have no columns of their own when the CRD declares none', () => {
    const kind = customResourceKind(aCrd())!;
    expect(kind.columns).toEqual([]);
    expect(kind.project(aWidget()).cells).toEqual({});
    expect(kind.project(null as unknown as KubeObject).name).toBe('');
  });

  it.each<[string, KubeObject | null]>([
    ['no spec', anObject('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'x', undefined)],
    ['no group', aCrd({ group: '' })],
    ['no plural', aCrd({ plural: '' })],
    ['no kind', aCrd({ kind: '' })],
    ['an unknown scope', aCrd({ scope: 'Galaxy' })],
    ['no versions', aCrd({ versions: [] })],
    ['no served version', aCrd({ versions: [{ name: 'v1', served: false, storage: true }] })],
    ['versions that are not objects', aCrd({ versions: ['v1', null] })],
    ['not an object at all', null],
  ])('are null for a CRD with %s', (_what, crd) => {
    expect(customResourceKind(crd as KubeObject)).toBeNull();
  });

  it('title kinds the way the built-in ones read', () => {
    expect(['Certificate', 'Policy', 'Ingress', 'Gateway', 'Box', 'Mesh'].map(pluralTitle)).toEqual(['Certificates', 'Policies', 'Ingresses', 'Gateways', 'Boxes', 'Meshes']);
  });
});

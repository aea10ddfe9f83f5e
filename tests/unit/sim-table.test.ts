import { describe, expect, it } from 'vitest';
import { humanDuration } from '../../sim/age';
import { Registry } from '../../sim/resources';
import { pod } from '../../sim/scenarios/builders';
import { toTable } from '../../sim/table';
import type { KubeObject } from '../../sim/types';

const registry = new Registry();
const t = (resource: string, group = '') => registry.find(group, group === 'apps' ? 'v1' : 'v1', resource)!;

describe('ages', () => {
  it('prints durations the way kubectl does', () => {
    const s = 1000;
    expect([59 * s, 119 * s, 150 * s, 9 * 60 * s + 5 * s, 45 * 60 * s, 5 * 3600 * s + 60 * s, 30 * 3600 * s, 3 * 86400 * s + 3600 * s, 40 * 86400 * s, 800 * 86400 * s].map(humanDuration)).toEqual(['59s', '119s', '2m30s', '9m5s', '45m', '5h1m', '30h', '3d1h', '40d', '2y70d']);
  });
});

describe('tables', () => {
  it('derives pod READY, STATUS and RESTARTS like kubectl', () => {
    const pods = [pod({ name: 'ok', namespace: 'n', node: 'a', ip: '1.1.1.1' }), pod({ name: 'crash', namespace: 'n', node: 'a', ip: '1.1.1.2', state: 'CrashLoopBackOff', restarts: 4 }), pod({ name: 'done', namespace: 'n', node: 'a', state: 'Completed' }), pod({ name: 'wait', namespace: 'n', state: 'Pending' })];
    const terminating = pod({ name: 'bye', namespace: 'n', node: 'a' });
    terminating.metadata.deletionTimestamp = new Date().toISOString();
    const table = toTable(t('pods'), [...pods, terminating], {}) as KubeObject & { rows: { cells: unknown[] }[]; columnDefinitions: { name: string; priority: number }[] };
    expect(table.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    const cells = table.rows.map((r) => r.cells.slice(0, 4));
    expect(cells[0]).toEqual(['ok', '1/1', 'Running', '0']);
    expect(cells[1][1]).toBe('0/1');
    expect(cells[1][2]).toBe('CrashLoopBackOff');
    expect(cells[1][3]).toMatch(/^4 \(.+ ago\)$/);
    expect(cells[2][2]).toBe('Completed');
    expect(cells[3][2]).toBe('Pending');
    expect(cells[4][2]).toBe('Terminating');
  });

  it('prints a deleted pod as Terminating until its phase is final, as the server-side printer does', () => {
    const going = pod({ name: 'going', namespace: 'n', node: 'a', ip: '1.1.1.1' });
    const ended = pod({ name: 'ended', namespace: 'n', node: 'a', state: 'Completed' });
    for (const p of [going, ended]) p.metadata.deletionTimestamp = new Date().toISOString();
    (ended.status as Record<string, unknown>).phase = 'Succeeded';
    const table = toTable(t('pods'), [going, ended], {}) as KubeObject & { rows: { cells: unknown[] }[] };
    expect(table.rows.map((r) => r.cells[2])).toEqual(['Terminating', 'Completed']);
  });

  it('prints service ports and external addresses', () => {
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'LoadBalancer', clusterIP: '10.0.0.1', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }, status: {} };
    const table = toTable(t('services'), [svc], {}) as any;
    expect(table.rows[0].cells.slice(0, 5)).toEqual(['s', 'LoadBalancer', '10.0.0.1', '<pending>', '80:30080/TCP']);
  });

  it('uses CRD printer columns with JSONPath, and NAME/AGE for kinds without a printer', () => {
    const custom = { ...t('pods'), crd: 'x', printerColumns: [{ name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' }, { name: 'Size', type: 'integer', jsonPath: '.spec.size' }] };
    const obj: KubeObject = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x1' }, spec: { size: 3 }, status: { conditions: [{ type: 'Other', status: 'False' }, { type: 'Ready', status: 'True' }] } };
    expect((toTable(custom, [obj], {}) as any).rows[0].cells).toEqual(['x1', 'True', 3]);
    const plain = toTable(t('serviceaccounts'), [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } }], {}) as any;
    expect(plain.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Secrets', 'Age']);
  });
});

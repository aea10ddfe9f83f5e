import { describe, expect, it } from 'vitest';
import { podReferences } from '../../lib/kinds/podRefs';
import { pods } from '../../lib/kinds/pods';
import type { KubeObject, Row } from '../../lib/kinds/types';
import { chooseLogTargets, hasStarted } from '../../lib/ui/logTargets';
import { parseLabelSelector } from '../../lib/labelSelector';
import { ingressServices, ownerChain, parseSelectorCell, relatedGroups, selects, type RowsOf } from '../../lib/ui/related';

function aRow(name: string, extra: Partial<Row> = {}): Row {
  return { uid: `uid-${name}`, name, namespace: 'ns', cells: {}, ...extra };
}
const owner = (kind: string, name: string, controller = true) => ({ kind, name, uid: `uid-${name}`, controller });
const rowsFrom = (byKind: Record<string, Row[]>): RowsOf => (token) => byKind[token];
const names = (groups: ReturnType<typeof relatedGroups>, id: string) => groups.find((g) => g.id === id)?.links.map((l) => l.name);

describe('related objects found among live rows', () => {
  it('follows a Deployment to its ReplicaSets and their Pods, and nothing of another deployment', () => {
    const deployment: KubeObject = { metadata: { name: 'web', namespace: 'ns', uid: 'uid-web' } };
    const rows = rowsFrom({
      replicasets: [aRow('web-1', { owners: [owner('Deployment', 'web')] }), aRow('web-2', { owners: [owner('Deployment', 'web')] }), aRow('api-1', { owners: [owner('Deployment', 'api')] })],
      pods: [aRow('web-1-a', { owners: [owner('ReplicaSet', 'web-1')] }), aRow('web-2-b', { owners: [owner('ReplicaSet', 'web-2')] }), aRow('api-1-c', { owners: [owner('ReplicaSet', 'api-1')] })],
    });
    const groups = relatedGroups('deployments', deployment, rows);
    expect(names(groups, 'replicasets')).toEqual(['web-1', 'web-2']);
    expect(names(groups, 'pods')).toEqual(['web-1-a', 'web-2-b']);
  });

  it('finds a Service’s EndpointSlices by label, its Pods by selector, and the Ingresses that route to it', () => {
    const service: KubeObject = { metadata: { name: 'web', namespace: 'ns', uid: 's' }, spec: { selector: { app: 'web' } } };
    const rows = rowsFrom({
      endpointslices: [aRow('web-abc', { labels: { 'kubernetes.io/service-name': 'web' } }), aRow('api-abc', { labels: { 'kubernetes.io/service-name': 'api' } })],
      pods: [aRow('web-1', { labels: { app: 'web', pod: '1' } }), aRow('other', { labels: { app: 'api' } }), aRow('web-elsewhere', { namespace: 'other', labels: { app: 'web' } })],
      ingresses: [aRow('shop', { cells: { rules: ['shop → / → web:80', 'shop → /api → api:9000'] } }), aRow('admin', { cells: { rules: ['a → / → webadmin:80'] } })],
    });
    const groups = relatedGroups('services', service, rows);
    expect(names(groups, 'endpointslices')).toEqual(['web-abc']);
    expect(names(groups, 'pods')).toEqual(['web-1']);
    expect(names(groups, 'ingresses')).toEqual(['shop']);
  });

  it('matches no pods for a Service without a selector', () => {
    const groups = relatedGroups('services', { metadata: { name: 'ext', namespace: 'ns' }, spec: {} }, rowsFrom({ pods: [aRow('p', { labels: { app: 'x' } })] }));
    expect(names(groups, 'pods')).toEqual([]);
  });

  it('links an Ingress to its backends, marking a Service that does not exist as not in view', () => {
    const ingress: KubeObject = { metadata: { name: 'shop', namespace: 'ns' }, spec: { defaultBackend: { service: { name: 'fallback' } }, rules: [{ http: { paths: [{ backend: { service: { name: 'web' } } }, { backend: { service: { name: 'web' } } }] } }] } };
    expect(ingressServices(ingress)).toEqual(['fallback', 'web']);
    const [group] = relatedGroups('ingresses', ingress, rowsFrom({ services: [aRow('web')] }));
    expect(group.links.map((l) => [l.name, Boolean(l.row)])).toEqual([
      ['fallback', false],
      ['web', true],
    ]);
  });

  it('connects a claim, its volume and the pods that mount it, both ways', () => {
    const claim: KubeObject = { metadata: { name: 'data-0', namespace: 'ns' }, spec: { volumeName: 'pv-1' } };
    const volume: KubeObject = { metadata: { name: 'pv-1' }, spec: { claimRef: { name: 'data-0', namespace: 'ns' } } };
    const rows = rowsFrom({
      pvs: [{ uid: 'pv', name: 'pv-1', cells: {} }],
      pvcs: [aRow('data-0')],
      pods: [aRow('db-0', { cells: { refs: ['pvc:data-0'] } }), aRow('db-1', { cells: { refs: ['pvc:data-1'] } })],
    });
    expect(names(relatedGroups('pvcs', claim, rows), 'pvs')).toEqual(['pv-1']);
    expect(names(relatedGroups('pvcs', claim, rows), 'pods')).toEqual(['db-0']);
    expect(names(relatedGroups('pvs', volume, rows), 'pvcs')).toEqual(['data-0']);
    expect(names(relatedGroups('pvs', volume, rows), 'pods')).toEqual(['db-0']);
  });

  it('lists a node’s pods and the pods that use a ConfigMap or a Secret', () => {
    const rows = rowsFrom({
      pods: [aRow('a', { cells: { node: 'n1', refs: ['configmap:cfg', 'secret:creds'] } }), aRow('b', { cells: { node: 'n2', refs: ['secret:creds'] } }), aRow('c', { namespace: 'other', cells: { node: 'n1', refs: ['configmap:cfg'] } })],
    });
    expect(names(relatedGroups('nodes', { metadata: { name: 'n1' } }, rows), 'pods')).toEqual(['a', 'c']);
    expect(names(relatedGroups('configmaps', { metadata: { name: 'cfg', namespace: 'ns' } }, rows), 'pods')).toEqual(['a']);
    expect(names(relatedGroups('secrets', { metadata: { name: 'creds', namespace: 'ns' } }, rows), 'pods')).toEqual(['a', 'b']);
  });

  it('finds the Services that select a pod from their selector cells', () => {
    expect(parseSelectorCell('app=web,tier=frontend')).toEqual({ app: 'web', tier: 'frontend' });
    expect(parseSelectorCell('<none>')).toBeUndefined();
    expect(selects({}, { app: 'web' })).toBe(false);
    const pod: KubeObject = { metadata: { name: 'p', namespace: 'ns', labels: { app: 'web', tier: 'frontend' } }, spec: { nodeName: 'n1' } };
    const groups = relatedGroups('pods', pod, rowsFrom({ services: [aRow('web', { cells: { selector: 'app=web' } }), aRow('api', { cells: { selector: 'app=api' } }), aRow('headless', { cells: { selector: '<none>' } })], nodes: [{ uid: 'n', name: 'n1', cells: {} }] }));
    expect(names(groups, 'services')).toEqual(['web']);
    expect(names(groups, 'nodes')).toEqual(['n1']);
  });

  it('walks the owner chain upward as far as the rows go', () => {
    const pod: KubeObject = { metadata: { name: 'web-1-a', namespace: 'ns', uid: 'p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'uid-web-1', controller: true }] } };
    const tokenOf = (_: string | undefined, kind: string | undefined) => ({ ReplicaSet: 'replicasets', Deployment: 'deployments' })[kind ?? ''] as string | undefined;
    const rows = rowsFrom({ replicasets: [aRow('web-1', { owners: [owner('Deployment', 'web')] })], deployments: [aRow('web')] });
    expect(ownerChain(pod, rows, tokenOf).map((l) => `${l.token}/${l.name}`)).toEqual(['replicasets/web-1', 'deployments/web']);
    // Before the ReplicaSets are known, the chain stops at the first owner, named.
    expect(ownerChain(pod, rowsFrom({}), tokenOf).map((l) => [l.name, Boolean(l.row)])).toEqual([['web-1', false]]);
  });
});

describe('what a pod row says it uses', () => {
  it('collects config maps, secrets and claims from volumes, projections, env and pull secrets', () => {
    const spec = {
      volumes: [{ name: 'a', configMap: { name: 'cm1' } }, { name: 'b', secret: { secretName: 's1' } }, { name: 'c', persistentVolumeClaim: { claimName: 'data' } }, { name: 'd', projected: { sources: [{ configMap: { name: 'cm2' } }, { secret: { name: 's2' } }] } }],
      containers: [{ name: 'x', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 's3', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'cm3' } }] }],
      imagePullSecrets: [{ name: 'pull' }],
    };
    expect(podReferences(spec)).toEqual(['configmap:cm1', 'configmap:cm2', 'configmap:cm3', 'pvc:data', 'secret:pull', 'secret:s1', 'secret:s2', 'secret:s3']);
    expect(pods.project({ metadata: { name: 'p', namespace: 'ns' }, spec }).cells.refs).toHaveLength(8);
    expect(podReferences(undefined)).toEqual([]);
  });
});

describe('which pods a merged log view follows', () => {
  const pod = (name: string, status = 'Running', labels: Record<string, string> = { app: 'web' }) => aRow(name, { labels, cells: { status } });

  it('follows started pods that match, names the ones still starting, and says how many the cap left out', () => {
    const rows = [pod('web-c'), pod('web-a'), pod('web-b', 'ContainerCreating'), pod('web-d', 'CrashLoopBackOff'), pod('api', 'Running', { app: 'api' })];
    const targets = chooseLogTargets(rows, 'ns', parseLabelSelector('app=web'), 2);
    expect(targets).toEqual({ following: ['web-a', 'web-c'], starting: ['web-b'], matched: 4, leftOut: 1 });
  });

  it('keeps the pods it follows when a new one sorts before them', () => {
    const rows = [pod('web-b'), pod('web-c'), pod('web-a')];
    expect(chooseLogTargets(rows, 'ns', parseLabelSelector('app=web'), 2, ['web-b', 'web-c']).following).toEqual(['web-b', 'web-c']);
  });

  it('follows nothing for an empty selector or a workload with no pods', () => {
    expect(chooseLogTargets([pod('web-a')], 'ns', [], 8)).toEqual({ following: [], starting: [], matched: 0, leftOut: 0 });
    expect(chooseLogTargets([], 'ns', parseLabelSelector('app=web'), 8).matched).toBe(0);
    expect(hasStarted('Init:0/2')).toBe(false);
    expect(hasStarted('Completed')).toBe(true);
  });
});

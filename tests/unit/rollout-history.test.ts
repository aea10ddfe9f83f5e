import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/kinds/types';
import { availabilityFlag, replicaCounts } from '../../lib/kinds/workloadStatus';
import { controllerHistory, deploymentHistory, parseRevision, withoutTemplateHash } from '../../server/api/rollback';

const template = (image: string, hash?: string) => ({ metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } }, spec: { containers: [{ name: 'web', image }] } });
const controlledBy = (uid: string, controller = true) => [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid, controller }];

function aReplicaSet(name: string, revision: string | undefined, image: string, owner = 'dep'): KubeObject {
  return {
    metadata: { name, uid: `uid-${name}`, creationTimestamp: '2024-05-01T10:00:00Z', annotations: revision ? { 'deployment.kubernetes.io/revision': revision } : {}, ownerReferences: controlledBy(owner) },
    spec: { template: template(image, name.split('-').pop()) },
    status: { replicas: 1 },
  };
}

describe('rollout history', () => {
  const deployment: KubeObject = { metadata: { name: 'web', uid: 'dep', annotations: { 'deployment.kubernetes.io/revision': '3' } } };

  it('numbers a Deployment’s revisions by its ReplicaSets’ annotation, newest first, with their images', () => {
    const history = deploymentHistory(deployment, [aReplicaSet('web-a', '1', 'web:1'), aReplicaSet('web-c', '3', 'web:3'), aReplicaSet('web-b', '2', 'web:2'), aReplicaSet('other-x', '9', 'other:1', 'someone-else'), aReplicaSet('web-z', undefined, 'web:?')]);
    expect(history.map((r) => [r.revision, r.images, r.current, r.source.name])).toEqual([
      [3, ['web:3'], true, 'web-c'],
      [2, ['web:2'], false, 'web-b'],
      [1, ['web:1'], false, 'web-a'],
    ]);
  });

  it('reads a StatefulSet’s revisions from its ControllerRevisions; the current one is its update revision', () => {
    const sts: KubeObject = { metadata: { name: 'db', uid: 'dep' }, status: { updateRevision: 'db-2' } };
    const revision = (name: string, n: number, image: string): KubeObject => ({ metadata: { name, ownerReferences: controlledBy('dep') }, revision: n, data: { spec: { template: { ...template(image), $patch: 'replace' } } } });
    const history = controllerHistory(sts, [revision('db-1', 1, 'pg:15'), revision('db-2', 2, 'pg:16')]);
    expect(history.map((r) => [r.revision, r.images, r.current])).toEqual([
      [2, ['pg:16'], true],
      [1, ['pg:15'], false],
    ]);
  });

  it('restores a ReplicaSet’s template without the label the Deployment controller adds', () => {
    const restored = withoutTemplateHash(template('web:1', 'abc123'));
    expect(restored.metadata).toEqual({ labels: { app: 'web' } });
  });

  it('refuses a revision that is not a whole number from 1', () => {
    for (const bad of [0, -1, 1.5, '2', null, undefined]) expect(() => parseRevision(bad)).toThrow(/revision must be a whole number from 1/);
    expect(parseRevision(2)).toBe(2);
  });
});

describe('replica counts of a workload', () => {
  it('reads desired, ready, available and updated, and flags a shortfall as the list shows it', () => {
    expect(replicaCounts('deployments', { spec: { replicas: 1 }, status: {} })).toEqual({ desired: 1, ready: 0, available: 0, updated: 0 });
    expect(replicaCounts('daemonsets', { status: { desiredNumberScheduled: 5, numberReady: 4, numberAvailable: 4, updatedNumberScheduled: 5 } })).toEqual({ desired: 5, ready: 4, available: 4, updated: 5 });
    expect(replicaCounts('pods', {})).toBeUndefined();
    expect(availabilityFlag(1, 0)).toBe('0/1 available');
    expect(availabilityFlag(3, 3)).toBe('');
  });
});

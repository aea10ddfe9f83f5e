import { describe, expect, it } from 'vitest';
import { mergePatch, rebaseEdit } from '@/app/components/editor/rebase';

const aDeployment = (rv: string, extra: { labels?: Record<string, string>; replicas?: number; image?: string } = {}) => ({
  kind: 'Deployment',
  metadata: { name: 'web', resourceVersion: rv, labels: { app: 'web', ...extra.labels } },
  spec: { replicas: extra.replicas ?? 1, template: { spec: { containers: [{ name: 'web', image: extra.image ?? 'nginx:1' }] } } },
});

describe('carrying an edit onto a newer version after a conflict', () => {
  it('keeps the change made meanwhile and the person’s own, with the latest resourceVersion', () => {
    const opened = aDeployment('10');
    const draft = aDeployment('10', { replicas: 3 });
    const latest = aDeployment('12', { labels: { 'edited-elsewhere': 'yes' } });
    expect(rebaseEdit(opened, draft, latest)).toEqual(aDeployment('12', { replicas: 3, labels: { 'edited-elsewhere': 'yes' } }));
  });

  it('removes what the person removed, and replaces lists whole', () => {
    const opened = aDeployment('1', { labels: { tier: 'front' } });
    const draft = aDeployment('1', { image: 'nginx:2' });
    const latest = aDeployment('2', { labels: { tier: 'front', other: 'x' } });
    const rebased = rebaseEdit(opened, draft, latest) as ReturnType<typeof aDeployment>;
    expect(rebased.metadata.labels).toEqual({ app: 'web', other: 'x' });
    expect(rebased.spec.template.spec.containers).toEqual([{ name: 'web', image: 'nginx:2' }]);
  });

  it('is no change at all when nothing was edited', () => {
    expect(mergePatch(aDeployment('1'), aDeployment('1'))).toBeUndefined();
  });
});

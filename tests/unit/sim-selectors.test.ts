import { describe, expect, it } from 'vitest';
import { Registry } from '../../sim/resources';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, labelSelectorString } from '../../sim/selectors';
import { StatusError } from '../../sim/status';
import type { KubeObject } from '../../sim/types';

const registry = new Registry();
const pods = registry.find('', 'v1', 'pods')!;
const secrets = registry.find('', 'v1', 'secrets')!;
const configmaps = registry.find('', 'v1', 'configmaps')!;

function aPod(over: { name?: string; phase?: string; node?: string; labels?: Record<string, string> } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: over.name ?? 'p', namespace: 'ns', labels: over.labels ?? {} },
    spec: { nodeName: over.node ?? 'n1' },
    status: { phase: over.phase ?? 'Running' },
  };
}

const labels = (text: string, l: Record<string, string>) => matchesLabels(parseLabelSelector(text), l);

describe('label selectors', () => {
  it('matches equality with =, == and !=', () => {
    expect(labels('app=web', { app: 'web' })).toBe(true);
    expect(labels('app==web', { app: 'web' })).toBe(true);
    expect(labels('app=web', { app: 'db' })).toBe(false);
    expect(labels('app!=web', { app: 'db' })).toBe(true);
    expect(labels('app!=web', {})).toBe(true);
    expect(labels('app!=web', { app: 'web' })).toBe(false);
  });

  it('matches set-based in and notin, with commas inside parentheses', () => {
    expect(labels('env in (prod, staging),app=web', { env: 'staging', app: 'web' })).toBe(true);
    expect(labels('env in (prod,staging)', { env: 'dev' })).toBe(false);
    expect(labels('env notin (prod)', { env: 'dev' })).toBe(true);
    expect(labels('env notin (prod)', {})).toBe(true);
    expect(labels('env notin (prod)', { env: 'prod' })).toBe(false);
  });

  it('matches existence and non-existence', () => {
    expect(labels('tier', { tier: '' })).toBe(true);
    expect(labels('tier', {})).toBe(false);
    expect(labels('!tier', {})).toBe(true);
    expect(labels('!tier', { tier: 'x' })).toBe(false);
  });

  it('rejects malformed selectors with a 400', () => {
    for (const bad of ['app in prod', 'a=b=c', '!']) {
      expect(() => parseLabelSelector(bad), bad).toThrow(StatusError);
    }
  });

  it('turns matchLabels and matchExpressions into selector text', () => {
    const text = labelSelectorString({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['a', 'b'] }, { key: 'x', operator: 'DoesNotExist' }] });
    expect(text).toBe('app=web,env in (a,b),!x');
    expect(labels(text, { app: 'web', env: 'b' })).toBe(true);
  });
});

describe('field selectors', () => {
  it('supports metadata.name and metadata.namespace on every resource', () => {
    const sel = parseFieldSelector('metadata.name=p,metadata.namespace==ns', configmaps);
    expect(matchesFields(sel, aPod())).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.name!=p', configmaps), aPod())).toBe(false);
  });

  it('supports the pod fields kubectl and controllers use', () => {
    expect(matchesFields(parseFieldSelector('status.phase=Running,spec.nodeName=n1', pods), aPod())).toBe(true);
    expect(matchesFields(parseFieldSelector('status.phase!=Running', pods), aPod())).toBe(false);
    expect(matchesFields(parseFieldSelector('spec.nodeName=', pods), aPod({ node: '' }))).toBe(true);
  });

  it('supports type on secrets', () => {
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/tls' };
    expect(matchesFields(parseFieldSelector('type=kubernetes.io/tls', secrets), secret)).toBe(true);
  });

  it('refuses unsupported fields with the apiserver wording', () => {
    expect(() => parseFieldSelector('spec.replicas=1', pods)).toThrow('field label not supported: spec.replicas');
    expect(() => parseFieldSelector('status.phase=Running', configmaps)).toThrow('field label not supported: status.phase');
  });
});

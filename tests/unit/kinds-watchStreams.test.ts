import { describe, expect, it } from 'vitest';
import { BUILTIN_KINDS, describeWatchStreams, isWatchStreamEnabled, parseWatchStreams } from '../../lib/kinds';

const ALL = BUILTIN_KINDS.map((kind) => kind.token);
const enabled = (value: string | undefined) => [...parseWatchStreams(value).enabled].sort();
const sorted = (tokens: string[]) => [...tokens].sort();

describe('CROWSNEST_WATCH_STREAMS', () => {
  it.each([undefined, '', '   ', 'all', 'ALL', ' All ', ','])('%j enables every kind and custom resources', (value) => {
    expect(enabled(value)).toEqual(sorted([...ALL, 'custom']));
  });

  it.each(['off', 'none', 'OFF', ' None '])('%j enables nothing', (value) => {
    expect(enabled(value)).toEqual([]);
  });

  it('takes kind tokens and group aliases, case-insensitive and whitespace tolerant', () => {
    expect(enabled('pods')).toEqual(['pods']);
    expect(enabled(' Pods , EVENTS ')).toEqual(['events', 'pods']);
    expect(enabled('networking')).toEqual(sorted(['services', 'ingresses', 'networkpolicies', 'endpointslices', 'ingressclasses']));
    expect(enabled('core,storage,pvs')).toEqual(sorted(['pods', 'events', 'pvs', 'pvcs', 'storageclasses']));
    expect(enabled('config,crds,custom')).toEqual(sorted(['configmaps', 'secrets', 'crds', 'custom']));
    expect(enabled('pods,,deployments,')).toEqual(['deployments', 'pods']);
  });

  it('removes kinds and groups listed with a leading minus, after the additions, whatever the order', () => {
    expect(enabled('-secrets,workloads,config')).toEqual(sorted(['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs', 'horizontalpodautoscalers', 'poddisruptionbudgets', 'configmaps']));
    expect(enabled('-secrets')).toEqual(sorted([...ALL, 'custom'].filter((token) => token !== 'secrets')));
    expect(enabled('all, -workloads, -custom')).toEqual(sorted(ALL.filter((token) => !['deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs', 'horizontalpodautoscalers', 'poddisruptionbudgets'].includes(token))));
    expect(enabled('pods,- pods')).toEqual([]);
  });

  it.each([
    ['podz', 'podz'],
    ['pods,deploymnets', 'deploymnets'],
    ['Persistentvolumes', 'persistentvolumes'],
    ['pods,-bogus', 'bogus'],
  ])('stops on the unknown token in %j, naming it and listing the valid ones', (value, bad) => {
    expect(() => parseWatchStreams(value)).toThrow(`unknown token "${bad}"`);
    try {
      parseWatchStreams(value);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('CROWSNEST_WATCH_STREAMS');
      for (const token of ['all', 'off', 'workloads', 'custom', ...ALL]) expect(message).toContain(token);
    }
  });

  it('refuses off or none mixed with other tokens, and a bare minus', () => {
    expect(() => parseWatchStreams('off,pods')).toThrow('cannot be combined');
    expect(() => parseWatchStreams('pods,none')).toThrow('cannot be combined');
    expect(() => parseWatchStreams('pods,-')).toThrow('"-" must be followed by a token');
  });

  it('switches custom resource kinds with the custom alias', () => {
    const some = parseWatchStreams('pods,custom');
    expect(isWatchStreamEnabled(some, 'pods')).toBe(true);
    expect(isWatchStreamEnabled(some, 'events')).toBe(false);
    expect(isWatchStreamEnabled(some, 'widgets.example.com')).toBe(true);
    expect(isWatchStreamEnabled(parseWatchStreams('pods'), 'widgets.example.com')).toBe(false);
    expect(isWatchStreamEnabled(parseWatchStreams(undefined).enabled, 'certificates.cert-manager.io')).toBe(true);
    expect(isWatchStreamEnabled(parseWatchStreams(undefined), 'nonsense')).toBe(false);
  });

  it('describes the result in one start-up line, in registry order', () => {
    const line = describeWatchStreams(parseWatchStreams('core,-events').enabled);
    expect(line).toBe(`watch streams enabled: ${ALL.map((token) => `${token}=${token === 'pods'}`).join(' ')} custom=false`);
    expect(describeWatchStreams(parseWatchStreams('all'))).toMatch(/^watch streams enabled: pods=true events=true deployments=true .* crds=true custom=true$/);
  });
});

import { describe, expect, it } from 'vitest';
import { isHttpError } from '@/server/http/errors';
import { buildSeries, parseUsageQuery } from '@/server/usage/usageQuery';
import { sampleFrom, type UsageSample } from '@/server/usage/sample';

const q = (text: string) => parseUsageQuery(new URLSearchParams(text), 50);

function status(text: string): number | undefined {
  try {
    q(text);
    return undefined;
  } catch (err) {
    return isHttpError(err) ? err.status : -1;
  }
}

/** A sample as metrics-server would give it: one node and pods with containers. */
function aSample(t: number, pods: Array<{ ns: string; name: string; app: string; containers: Record<string, [string, string]> }>, nodeCpu = '500m'): UsageSample {
  return sampleFrom(
    t,
    { items: [{ metadata: { name: 'node-1' }, usage: { cpu: nodeCpu, memory: '2Gi' } }] },
    {
      items: pods.map((p) => ({
        metadata: { name: p.name, namespace: p.ns, labels: { app: p.app } },
        containers: Object.entries(p.containers).map(([name, [cpu, memory]]) => ({ name, usage: { cpu, memory } })),
      })),
    },
  );
}

describe('parseUsageQuery', () => {
  it('reads a pod, a workload and the nodes', () => {
    expect(q('kind=pods&namespaces=team-a&name=web-1&group=container')).toMatchObject({ kind: 'pods', namespaces: ['team-a'], name: 'web-1', group: 'container', latest: false, windowMs: 3600_000 });
    expect(q('kind=pods&namespace=team-a&labelSelector=app%3Dweb&group=sum&window=600').selector).toHaveLength(1);
    expect(q('kind=nodes&latest=1')).toMatchObject({ kind: 'nodes', namespaces: null, latest: true });
  });

  it.each([
    '',
    'kind=deployments',
    'kind=pods&group=stack',
    'kind=pods&name=web-1',
    'kind=pods&namespaces=a,b&name=web-1',
    'kind=pods&namespaces=team-a&name=Bad_Name',
    'kind=pods&namespaces=NOPE',
    'kind=pods&labelSelector=app%3D%3D%3D',
    'kind=pods&group=container',
    'kind=nodes&namespaces=team-a',
    'kind=nodes&labelSelector=a%3Db',
    'kind=nodes&group=container',
    'kind=pods&window=0',
    'kind=pods&window=3601',
    'kind=pods&window=1.5',
    'kind=pods&latest=maybe',
  ])('answers 400 to %j', (text) => {
    expect(status(text)).toBe(400);
  });
});

describe('buildSeries', () => {
  const samples = [
    aSample(1_000, [
      { ns: 'team-a', name: 'web-1', app: 'web', containers: { web: ['100m', '100Mi'], sidecar: ['10m', '10Mi'] } },
      { ns: 'team-a', name: 'web-2', app: 'web', containers: { web: ['200m', '200Mi'] } },
      { ns: 'team-b', name: 'api-1', app: 'api', containers: { api: ['50m', '50Mi'] } },
    ]),
    aSample(2_000, [{ ns: 'team-a', name: 'web-2', app: 'web', containers: { web: ['300m', '300Mi'] } }], '700m'),
  ];

  it('gives one series per pod, with gaps where a pod had no sample', () => {
    const { times, series } = buildSeries(samples, q('kind=pods'), null);
    expect(times).toEqual([1, 2]);
    expect(series.map((s) => s.name)).toEqual(['team-a/web-1', 'team-a/web-2', 'team-b/api-1']);
    expect(series[0].cpu[0]).toBeCloseTo(0.11, 9);
    expect(series[0].cpu[1]).toBeNull();
    expect(series[1].memory).toEqual([200 * 2 ** 20, 300 * 2 ** 20]);
  });

  it('gives a pod’s containers', () => {
    const { series } = buildSeries(samples, q('kind=pods&namespaces=team-a&name=web-1&group=container'), null);
    expect(series.map((s) => [s.name, s.cpu[0]])).toEqual([
      ['sidecar', 0.01],
      ['web', 0.1],
    ]);
  });

  it('sums a workload’s pods by label selector', () => {
    const { series } = buildSeries(samples, q('kind=pods&namespaces=team-a&labelSelector=app%3Dweb&group=sum'), null);
    expect(series).toHaveLength(1);
    expect(series[0].name).toBe('total');
    expect(series[0].cpu[0]).toBeCloseTo(0.31, 9);
    expect(series[0].cpu[1]).toBeCloseTo(0.3, 9);
  });

  it('leaves out namespaces the person may not list', () => {
    const { series } = buildSeries(samples, q('kind=pods'), new Set(['team-b']));
    expect(series.map((s) => s.name)).toEqual(['team-b/api-1']);
  });

  it('gives nodes, and one node by name', () => {
    expect(buildSeries(samples, q('kind=nodes'), null).series).toEqual([{ name: 'node-1', cpu: [0.5, 0.7], memory: [2 ** 31, 2 ** 31] }]);
    expect(buildSeries(samples, q('kind=nodes&name=node-2'), null).series).toEqual([]);
  });

  it('leaves out what metrics-server reported in a form it cannot read', () => {
    const sample = sampleFrom(1, { items: [{ metadata: { name: 'n' }, usage: { cpu: 'lots', memory: '1Gi' } }] }, { items: [] });
    expect(sample.nodes).toEqual({});
  });
});

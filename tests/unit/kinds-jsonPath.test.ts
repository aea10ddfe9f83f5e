import { describe, expect, it } from 'vitest';
import { evaluateJsonPath, JsonPathError, parseJsonPath } from '../../lib/kinds/jsonPath';

const widget = {
  metadata: { name: 'w1', labels: { app: 'shop', 'app.kubernetes.io/name': 'widget' } },
  spec: {
    replicas: 3,
    enabled: false,
    containers: [
      { name: 'a', image: 'a:1', ports: [{ port: 80 }, { port: 443 }] },
      { name: 'b', image: 'b:2', ports: [{ port: 8080 }] },
    ],
  },
  status: {
    conditions: [
      { type: 'Synced', status: 'True', observedGeneration: 1 },
      { type: 'Ready', status: 'False', reason: 'Waiting', observedGeneration: 2 },
    ],
  },
};

describe('JSONPath subset', () => {
  it.each([
    ['.spec.replicas', [3]],
    ['.spec.enabled', [false]],
    ['.metadata.labels.app', ['shop']],
    ['.spec.containers[0].image', ['a:1']],
    ['.spec.containers[-1].name', ['b']],
    ['.spec.containers[*].name', ['a', 'b']],
    ['.spec.containers[*].ports[*].port', [80, 443, 8080]],
    ['.spec.containers.*.name', ['a', 'b']],
    [".metadata.labels['app.kubernetes.io/name']", ['widget']],
    ['.metadata.labels["app.kubernetes.io/name"]', ['widget']],
    ['.metadata.labels.app\\.kubernetes\\.io/name', ['widget']],
    ['{.metadata.name}', ['w1']],
    ['$.metadata.name', ['w1']],
    ['.status.conditions[?(@.type=="Ready")].status', ['False']],
    [".status.conditions[?(@.type == 'Ready')].reason", ['Waiting']],
    ['.status.conditions[?(@.type!="Ready")].type', ['Synced']],
    ['.status.conditions[?(@.observedGeneration>1)].type', ['Ready']],
    ['.status.conditions[?(@.reason)].type', ['Ready']],
    ['.spec.containers[?(@.ports[0].port==8080)].name', ['b']],
  ])('%s', (path, expected) => {
    expect(evaluateJsonPath(path, widget)).toEqual(expected);
  });

  it('yields nothing, without throwing, where the path leads nowhere', () => {
    for (const path of ['.spec.missing', '.spec.replicas.deeper', '.spec.containers[5].name', '.spec.containers.name', '.metadata.labels[0]', '.status.conditions[?(@.type=="Gone")].status']) {
      expect(evaluateJsonPath(path, widget), path).toEqual([]);
    }
    for (const root of [null, undefined, 42, 'text', []]) expect(evaluateJsonPath('.a.b[*]', root)).toEqual([]);
  });

  it('does not walk into the prototype chain', () => {
    expect(evaluateJsonPath('.spec.constructor', widget)).toEqual([]);
    expect(evaluateJsonPath('.__proto__', {})).toEqual([]);
  });

  it('parses once and evaluates many times', () => {
    const path = parseJsonPath('.spec.replicas');
    expect([1, 2, 3].map((n) => evaluateJsonPath(path, { spec: { replicas: n } })[0])).toEqual([1, 2, 3]);
  });

  it.each([
    ['', 'empty expression'],
    ['..name', 'recursive descent'],
    ['.a[1:3]', 'slices and unions'],
    ['.a[0,1]', 'slices and unions'],
    ['.a[', 'expected an index'],
    ['.a[?(@.x=="y"', 'expected ")"'],
    ["['unterminated", 'expected "\'"'],
    ['.a[?(@.x==bare)]', 'expected a quoted string'],
    ['a.b', 'unexpected "a"'],
  ])('rejects %j with a message saying what was not understood', (path, problem) => {
    expect(() => parseJsonPath(path)).toThrow(JsonPathError);
    expect(() => parseJsonPath(path)).toThrow(problem);
  });
});

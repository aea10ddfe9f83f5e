import { describe, expect, it } from 'vitest';
import { decodeProtobufBody, handleReview } from '../../sim/auth';
import { StatusError } from '../../sim/status';
import { captureKubectl } from './sim-auth-capture';
import { anAuthorizer, users } from './sim-auth-fixtures';

// ---- a tiny test-side protobuf encoder ------------------------------------------------

type Value = string | number | boolean | Buffer | Field[];
type Field = [number, Value];

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return Buffer.from(out);
}

function encode(fields: Field[]): Buffer {
  return Buffer.concat(
    fields.map(([num, value]) => {
      if (typeof value === 'number' || typeof value === 'boolean') return Buffer.concat([varint(num << 3), varint(Number(value))]);
      const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.isBuffer(value) ? value : encode(value);
      return Buffer.concat([varint((num << 3) | 2), varint(bytes.length), bytes]);
    }),
  );
}

const entry = (num: number, key: string, value: Value): Field => [num, [[1, key], [2, value]]];

function envelope(apiVersion: string, kind: string, raw: Field[], contentEncoding = ''): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), encode([[1, [[1, apiVersion], [2, kind]]], [2, encode(raw)], [3, contentEncoding], [4, '']])]);
}

function thrown(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StatusError) return err;
    throw err;
  }
  throw new Error('expected a StatusError');
}

// Go's encoder writes empty scalars and empty creationTimestamp too; so does this meta.
const emptyMetaTail: Field[] = [[2, ''], [4, ''], [5, ''], [6, ''], [7, 0], [8, []]];

describe('decodeProtobufBody: constructed bytes', () => {
  it('decodes a SubjectAccessReview with user, groups, extra and uid', () => {
    const body = envelope('authorization.k8s.io/v1', 'SubjectAccessReview', [
      [1, [[1, ''], ...emptyMetaTail]],
      [
        2,
        [
          [1, [[1, 'team-a'], [2, 'delete'], [3, 'apps'], [4, 'v1'], [5, 'deployments'], [6, 'scale'], [7, 'web']]],
          [3, 'bob'],
          [4, 'team-a'],
          [4, 'system:authenticated'],
          entry(5, 'scopes', [[1, 'a'], [1, 'b']]),
          [6, 'uid-1'],
        ],
      ],
      [3, [[1, false], [2, '']]],
    ]);
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: {
        resourceAttributes: { namespace: 'team-a', verb: 'delete', group: 'apps', version: 'v1', resource: 'deployments', subresource: 'scale', name: 'web' },
        user: 'bob',
        groups: ['team-a', 'system:authenticated'],
        extra: { scopes: ['a', 'b'] },
        uid: 'uid-1',
      },
    });
  });

  it('decodes LocalSubjectAccessReview metadata.namespace and non-resource attributes', () => {
    const lsar = decodeProtobufBody(envelope('authorization.k8s.io/v1', 'LocalSubjectAccessReview', [[1, [[3, 'team-a']]], [2, [[1, [[1, 'team-a'], [2, 'get'], [5, 'pods']]], [4, 'g']]]]));
    expect(lsar).toMatchObject({ metadata: { namespace: 'team-a' }, spec: { resourceAttributes: { namespace: 'team-a', verb: 'get', resource: 'pods' }, groups: ['g'] } });
    const ssar = decodeProtobufBody(envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [[2, [[2, [[1, '/healthz'], [2, 'get']]]]]]));
    expect(ssar.spec).toEqual({ nonResourceAttributes: { path: '/healthz', verb: 'get' } });
  });

  it('decodes a Namespace with labels, annotations, generateName and finalizers', () => {
    const ns = decodeProtobufBody(
      envelope('v1', 'Namespace', [
        [1, [[2, 'tmp-'], entry(11, 'team', 'a'), entry(11, 'env', 'dev'), entry(12, 'note', 'hi, there'), [14, 'f1'], ...emptyMetaTail.slice(1)]],
        [2, [[1, 'kubernetes']]],
      ]),
    );
    expect(ns).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { generateName: 'tmp-', labels: { team: 'a', env: 'dev' }, annotations: { note: 'hi, there' }, finalizers: ['f1'] },
      spec: { finalizers: ['kubernetes'] },
    });
  });

  it('decodes ConfigMap data and binaryData (as base64) and immutable', () => {
    const cm = decodeProtobufBody(
      envelope('v1', 'ConfigMap', [[1, [[1, 'cm'], [3, 'ns']]], entry(2, 'k', 'v'), entry(3, 'bin', Buffer.from([0, 1, 255])), [4, false]]),
    );
    expect(cm).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' }, data: { k: 'v' }, binaryData: { bin: 'AAH/' }, immutable: false });
  });

  it('decodes Secret data (base64), stringData and type', () => {
    const secret = decodeProtobufBody(envelope('v1', 'Secret', [[1, [[1, 's']]], entry(2, 'password', Buffer.from('hunter2')), [3, 'Opaque'], entry(4, 'user', 'bob')]));
    expect(secret).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'aHVudGVyMg==' }, type: 'Opaque', stringData: { user: 'bob' } });
  });

  it('decodes multi-byte varint lengths and UTF-8', () => {
    const long = 'ü'.repeat(300);
    expect(decodeProtobufBody(envelope('v1', 'ConfigMap', [[1, [[1, 'cm']]], entry(2, 'k', long)])).data).toEqual({ k: long });
  });

  it('refuses a kind it cannot decode with 415 and a clear message', () => {
    const err = thrown(() => decodeProtobufBody(envelope('apps/v1', 'StatefulSet', [[1, [[1, 'web']]]])));
    expect(err.code).toBe(415);
    expect(err.status.reason).toBe('UnsupportedMediaType');
    expect(err.message).toContain('cannot decode a protobuf StatefulSet (apps/v1)');
    expect(thrown(() => decodeProtobufBody(envelope('v1', 'ConfigMap', [], 'gzip'))).code).toBe(415);
  });

  it('refuses bodies without the magic or cut short with 400', () => {
    expect(thrown(() => decodeProtobufBody(Buffer.from('{"kind":"Namespace"}'))).code).toBe(400);
    const whole = envelope('v1', 'ConfigMap', [[1, [[1, 'cm']]], entry(2, 'k', 'value')]);
    expect(thrown(() => decodeProtobufBody(whole.subarray(0, whole.length - 6))).code).toBe(400);
    expect(thrown(() => decodeProtobufBody(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff]))).code).toBe(400);
  });
});

describe('decodeProtobufBody: bytes real kubectl 1.35 sent', () => {
  // `kubectl auth can-i get pods -n x`, recorded once and kept as a fixed golden.
  const canIGolden =
    'azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSNgoQCgASABoAIgAqADIAOABCABIYChYKAXgSA2dldBoAIgAqBHBvZHMyADoAGggIABIAGgAgABoAIgA=';
  // `kubectl auth whoami`
  const whoamiGolden = 'azhzAAotChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESEVNlbGZTdWJqZWN0UmV2aWV3EhoKEAoAEgAaACIAKgAyADgAQgASBgoECgASABoAIgA=';

  it('reads the recorded can-i SelfSubjectAccessReview and answers it', () => {
    const review = decodeProtobufBody(Buffer.from(canIGolden, 'base64'));
    expect(review).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'x', verb: 'get', resource: 'pods' } },
    });
    expect(handleReview('selfsubjectaccessreviews', review, users().carol, anAuthorizer()).status).toEqual({ allowed: false });
  });

  it('reads the recorded whoami SelfSubjectReview', () => {
    expect(decodeProtobufBody(Buffer.from(whoamiGolden, 'base64'))).toEqual({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} });
  });

  it('reads what kubectl sends now for can-i, can-i --list, whoami and create namespace|configmap|secret', async () => {
    const sent = await captureKubectl([
      ['auth', 'can-i', 'get', 'pods', '-n', 'x'],
      ['auth', 'can-i', 'create', 'pods', '--subresource=exec', '-n', 'team-a'],
      ['auth', 'can-i', 'get', '/healthz'],
      ['auth', 'can-i', '--list', '-n', 'team-a'],
      ['auth', 'whoami'],
      ['create', 'namespace', 'ns1'],
      ['create', 'configmap', 'cm1', '-n', 'x', '--from-literal=a=b'],
      ['create', 'secret', 'generic', 's1', '-n', 'x', '--from-literal=k=v'],
    ]);
    expect(sent.map((r) => [r.method, r.path, r.contentType])).toEqual([
      ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', 'application/vnd.kubernetes.protobuf'],
      ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', 'application/vnd.kubernetes.protobuf'],
      ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', 'application/vnd.kubernetes.protobuf'],
      ['POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', 'application/vnd.kubernetes.protobuf'],
      ['POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', 'application/vnd.kubernetes.protobuf'],
      ['POST', '/api/v1/namespaces', 'application/vnd.kubernetes.protobuf'],
      ['POST', '/api/v1/namespaces/x/configmaps', 'application/vnd.kubernetes.protobuf'],
      ['POST', '/api/v1/namespaces/x/secrets', 'application/vnd.kubernetes.protobuf'],
    ]);
    const decoded = sent.map((r) => decodeProtobufBody(r.body));
    expect(decoded[0].spec).toEqual({ resourceAttributes: { namespace: 'x', verb: 'get', resource: 'pods' } });
    expect(decoded[1].spec).toEqual({ resourceAttributes: { namespace: 'team-a', verb: 'create', resource: 'pods', subresource: 'exec' } });
    expect(decoded[2].spec).toEqual({ nonResourceAttributes: { path: '/healthz', verb: 'get' } });
    expect(decoded[3]).toEqual({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: {}, spec: { namespace: 'team-a' } });
    expect(decoded[4]).toEqual({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} });
    expect(decoded[5]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' }, spec: {} });
    expect(decoded[6]).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1', namespace: 'x' }, data: { a: 'b' } });
    expect(decoded[7]).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1', namespace: 'x' }, data: { k: 'dg==' } });
  });

  it('reads what kubectl sends for create serviceaccount|role|clusterrole|rolebinding|clusterrolebinding', async () => {
    const sent = await captureKubectl([
      ['create', 'serviceaccount', 'robot', '-n', 'x'],
      ['create', 'role', 'reader', '-n', 'x', '--verb=get,list', '--resource=pods,pods/log', '--resource-name=web'],
      ['create', 'clusterrole', 'paths', '--verb=get', '--non-resource-url=/logs/*'],
      ['create', 'rolebinding', 'rb', '-n', 'x', '--clusterrole=view', '--group=team-a', '--user=bob', '--serviceaccount=x:robot'],
      ['create', 'clusterrolebinding', 'crb', '--clusterrole=paths', '--user=carol'],
    ]);
    expect(sent.map((r) => r.contentType)).toEqual(Array(5).fill('application/vnd.kubernetes.protobuf'));
    const [sa, role, clusterRole, rb, crb] = sent.map((r) => decodeProtobufBody(r.body));
    expect(sa).toEqual({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'x' } });
    expect(role).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'reader', namespace: 'x' },
      rules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'], resourceNames: ['web'] }],
    });
    expect(clusterRole).toMatchObject({ kind: 'ClusterRole', metadata: { name: 'paths' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/logs/*'] }] });
    expect(rb).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rb', namespace: 'x' },
      subjects: [
        { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'bob' },
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'team-a' },
        { kind: 'ServiceAccount', name: 'robot', namespace: 'x' },
      ],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    });
    expect(crb).toMatchObject({ kind: 'ClusterRoleBinding', metadata: { name: 'crb' }, roleRef: { kind: 'ClusterRole', name: 'paths' }, subjects: [{ kind: 'User', name: 'carol' }] });
  });
});

describe('decodeProtobufBody: a TokenRequest (kubectl create token)', () => {
  it('reads the audiences, the expiry (zero included) and the bound object', () => {
    const body = envelope('authentication.k8s.io/v1', 'TokenRequest', [
      [1, [[1, ''], ...emptyMetaTail]],
      [2, [[1, 'https://kubernetes.default.svc'], [1, 'vault'], [3, [[1, 'Pod'], [2, 'v1'], [3, 'web-1'], [4, '']]], [4, 600]]],
      [3, [[1, ''], [2, 0]]],
    ]);
    expect(decodeProtobufBody(body)).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { audiences: ['https://kubernetes.default.svc', 'vault'], boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-1' }, expirationSeconds: 600 },
    });
    const zero = envelope('authentication.k8s.io/v1', 'TokenRequest', [[2, [[4, 0]]]]);
    expect((decodeProtobufBody(zero) as any).spec).toEqual({ expirationSeconds: 0 });
  });
});

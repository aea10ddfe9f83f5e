import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KUBECTL = new URL('../../.tools/bin/kubectl', import.meta.url).pathname;

export interface CapturedRequest {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

const discovery: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }] },
  '/apis': {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [{ name: 'rbac.authorization.k8s.io', versions: [{ groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' }], preferredVersion: { groupVersion: 'rbac.authorization.k8s.io/v1', version: 'v1' } }],
  },
  '/apis/rbac.authorization.k8s.io/v1': {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'rbac.authorization.k8s.io/v1',
    resources: [
      { name: 'roles', singularName: 'role', namespaced: true, kind: 'Role', verbs: ['create', 'get', 'list'] },
      { name: 'rolebindings', singularName: 'rolebinding', namespaced: true, kind: 'RoleBinding', verbs: ['create', 'get', 'list'] },
      { name: 'clusterroles', singularName: 'clusterrole', namespaced: false, kind: 'ClusterRole', verbs: ['create', 'get', 'list'] },
      { name: 'clusterrolebindings', singularName: 'clusterrolebinding', namespaced: false, kind: 'ClusterRoleBinding', verbs: ['create', 'get', 'list'] },
    ],
  },
  '/api/v1': {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: 'v1',
    resources: [
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'] },
      { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['create'] },
      { name: 'configmaps', singularName: 'configmap', namespaced: true, kind: 'ConfigMap', verbs: ['create'] },
      { name: 'secrets', singularName: 'secret', namespaced: true, kind: 'Secret', verbs: ['create'] },
      { name: 'serviceaccounts', singularName: 'serviceaccount', namespaced: true, kind: 'ServiceAccount', verbs: ['create'] },
    ],
  },
};

/**
 * Runs real kubectl commands against a throwaway recording server (minimal discovery,
 * 201 with a small JSON object for every write) and returns the bodies kubectl sent.
 */
export async function captureKubectl(commands: string[][]): Promise<CapturedRequest[]> {
  const captured: CapturedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      res.setHeader('Content-Type', 'application/json');
      if (req.method === 'GET') {
        const doc = discovery[path];
        res.statusCode = doc ? 200 : 404;
        res.end(JSON.stringify(doc ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: 'not found' }));
        return;
      }
      captured.push({ method: req.method ?? '', path, contentType: String(req.headers['content-type'] ?? ''), body: Buffer.concat(chunks) });
      res.statusCode = 201;
      const kind = path.includes('selfsubjectreviews') ? 'SelfSubjectReview' : 'SelfSubjectAccessReview';
      res.end(JSON.stringify({ apiVersion: 'v1', kind, metadata: { name: 'x' }, status: { allowed: true, userInfo: { username: 'u' } } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = await mkdtemp(join(tmpdir(), 'sim-auth-capture-'));
  try {
    const { port } = server.address() as AddressInfo;
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: `http://127.0.0.1:${port}` } }],
        users: [{ name: 'u', user: { token: 'capture' } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'u', namespace: 'default' } }],
        'current-context': 'c',
      }),
    );
    for (const args of commands) {
      await new Promise<void>((resolve) => {
        // Exit codes do not matter here: only what kubectl sent.
        execFile(KUBECTL, [...args, '--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache')], { timeout: 30_000 }, () => resolve());
      });
    }
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
  return captured;
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inClusterKubeConfig, runningInCluster } from '../../server/clusters/inCluster';
import { readConfig } from '../../server/config';

const dir = mkdtempSync(join(tmpdir(), 'crowsnest-sa-unit-'));
writeFileSync(join(dir, 'token'), 'first-token');
writeFileSync(join(dir, 'ca.crt'), 'not really a certificate');
writeFileSync(join(dir, 'namespace'), 'crowsnest\n');
const env = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('in-cluster mode', () => {
  it('is detected from the service variables and a mounted token, and not without either', () => {
    expect(runningInCluster(env, dir)).toBe(true);
    expect(runningInCluster({ KUBERNETES_SERVICE_HOST: '10.96.0.1' }, dir)).toBe(false);
    expect(runningInCluster(env, join(dir, 'elsewhere'))).toBe(false);
  });

  it('is what the configuration chooses when there is no kubeconfig, with the directory the environment names', () => {
    const config = readConfig({ ...env, CROWSNEST_SERVICE_ACCOUNT_DIR: dir, HOME: dir }, []);
    expect(config).toMatchObject({ inCluster: true, demo: false, kubeconfigPaths: [], serviceAccountDir: dir });
    expect(readConfig({ ...env, HOME: dir }, []).inCluster).toBe(false);
  });

  it('speaks https to the service address (IPv6 in brackets), trusts the mounted CA and reads the token file', async () => {
    const kc = inClusterKubeConfig(env, dir);
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://10.96.0.1:443', caFile: join(dir, 'ca.crt'), skipTLSVerify: false });
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('crowsnest');
    expect(inClusterKubeConfig({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }, dir).getCurrentCluster()?.server).toBe('https://[fd00::1]:6443');
    const headers = async () => {
      const options: { headers?: Record<string, string> } = { headers: {} };
      await kc.applyToHTTPSOptions(options as never);
      return options.headers;
    };
    expect((await headers())?.Authorization).toBe('Bearer first-token');
  });
});
